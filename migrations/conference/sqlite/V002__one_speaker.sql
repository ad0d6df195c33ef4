-- One site speaks at a time (the IT centre gives the floor, Art. 12), whatever the concurrency.
CREATE UNIQUE INDEX conference_speaking_one ON conference_speaking (conference_id) WHERE state = 'speaking';
