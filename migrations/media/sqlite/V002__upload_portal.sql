-- The portal a file was uploaded for (its editorial board's grants are limited to it).
ALTER TABLE media_uploads ADD COLUMN portal TEXT;
