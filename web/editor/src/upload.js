// Image upload to the media library: POST /api/v1/media (multipart/form-data, field "file"),
// CSRF token in X-CSRF-Token as every cookie-authenticated state change needs. Answers 201 with
// {url, variants: [{width, format, url}]}; errors are {error: {code, message}} in the page's
// language, and that message is what the editor shows.

import { sameSiteImage } from './urls.js';

/** The CSRF token: the article form's hidden _csrf field, else GET /api/v1/me. */
export async function csrfToken(form) {
  const field = form && form.querySelector('input[name="_csrf"]');
  if (field && field.value) return field.value;
  const r = await fetch('/api/v1/me', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (!r.ok) return '';
  const j = await r.json().catch(() => null);
  return (j && j.csrf_token) || '';
}

export class UploadError extends Error {}

/** Uploads one image file; resolves to {url, variants} or rejects with an UploadError. */
export async function uploadImage(file, form, t) {
  const token = await csrfToken(form).catch(() => '');
  const body = new FormData();
  body.append('file', file, file.name || 'image');
  // The portal the article is for: a portal's board uploads with its portal-scoped roles.
  const portal = form && form.elements && form.elements.portal ? form.elements.portal.value : '';
  if (portal) body.append('portal', portal);
  let response;
  try {
    response = await fetch('/api/v1/media?kind=image', {
      method: 'POST',
      body,
      credentials: 'same-origin',
      headers: { Accept: 'application/json', 'X-CSRF-Token': token },
    });
  } catch {
    throw new UploadError(t.network);
  }
  const json = await response.json().catch(() => null);
  if (!response.ok) {
    const message = json && json.error && json.error.message;
    throw new UploadError(message || `${t.imageFailed} (HTTP ${response.status}).`);
  }
  const url = json && sameSiteImage(json.url);
  if (!url) throw new UploadError(t.imageBadAnswer);
  return { url, variants: Array.isArray(json.variants) ? json.variants : [] };
}
