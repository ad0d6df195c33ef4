// Which addresses the editor lets into links and images. The server's sanitiser checks again
// (it is the real guard); these checks keep the editor showing what will be saved.

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;

/**
 * A link target the editor accepts, normalised, or null: http(s) with a host, mailto:, or a
 * relative reference (/path, ./x, ../x, #frag, ?q, or a bare path). A bare "www.example.vn/x"
 * is taken as https://. Protocol-relative "//host" and every other scheme (javascript:, data:,
 * file:, vbscript: …) are refused.
 */
export function normaliseLink(raw) {
  if (typeof raw !== 'string') return null;
  // Browsers drop tabs and newlines inside URLs, so "java\nscript:" would still be a scheme.
  const url = raw.trim().replace(/[\t\n\r]/g, '');
  if (url === '' || /[\u0000-\u001f\u007f\s]/.test(url)) return null;
  // "//host", and "/\host" or "\\host", which browsers read as "//host" too.
  if (/^[/\\]{2}/.test(url)) return null;
  const scheme = SCHEME.exec(url);
  if (scheme) {
    const s = scheme[1].toLowerCase();
    if (s === 'mailto') return url.length > 7 ? url : null;
    if (s !== 'http' && s !== 'https') return null;
    try {
      const u = new URL(url);
      return u.host ? url : null;
    } catch {
      return null;
    }
  }
  // No scheme: a relative reference, unless it looks like a host name someone typed bare.
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?([/?#]|$)/i.test(url) && /^www\.|\.(vn|com|org|net|gov|edu|info)([/:?#]|$)/i.test(url)) {
    return `https://${url}`;
  }
  // A colon before any / ? # would make the first segment a scheme in a browser.
  const firstSep = url.search(/[/?#]/);
  const head = firstSep < 0 ? url : url.slice(0, firstSep);
  if (head.includes(':')) return null;
  return url;
}

/** Whether TipTap's link extension may keep this href (parsing, pasting, autolinking). */
export function isAllowedLink(url) {
  return normaliseLink(url) !== null;
}

/**
 * An image source the editor keeps, or null: same-site only (a path such as /media/<sha256>,
 * or an absolute URL on this origin, turned into its path), as the server keeps only those.
 * Word's file:///C:/… images, data: URLs and other sites' images are dropped.
 */
export function sameSiteImage(raw, origin = window.location.origin) {
  if (typeof raw !== 'string') return null;
  const src = raw.trim();
  if (src === '') return null;
  if (src.startsWith('/') && !src.startsWith('//') && !src.startsWith('/\\')) return src;
  try {
    const u = new URL(src);
    if ((u.protocol === 'http:' || u.protocol === 'https:') && u.origin === origin) return u.pathname + u.search;
  } catch {
    /* not an absolute URL */
  }
  return null;
}
