// Pasted HTML, cleaned before ProseMirror parses it (TipTap's editorProps.transformPastedHTML).
//
// Word (and Outlook, LibreOffice, Google Docs) put their formatting in `style` attributes, mso-*
// properties, Mso* classes, <o:p> elements, XML islands and conditional comments. ProseMirror
// would ignore most of it, but not all: Word's list bullets are plain text in a span, its empty
// paragraphs are <o:p>&nbsp;</o:p>, and Google Docs wraps a whole paste in <b style=
// "font-weight:normal">, which would make everything bold. So this keeps the structure and the
// meaning (bold, italic, underline, sub/superscript written as styles become <strong>, <em>, <u>,
// <s>, <sub>, <sup>; Word list paragraphs become <ul>/<ol>) and drops the presentation. The
// server's allow-list sanitiser does the rest when the article is saved.
//
// Hand-written because no maintained npm package does this for ProseMirror alone (the Word
// paste handlers that exist belong to other editors: CKEditor's paste-from-office, TinyMCE's
// PowerPaste); it is small and tested by test/smoke.mjs.

import { sameSiteImage } from './urls.js';

// The page's CSP (style-src 'self') makes Chrome refuse, and log, every style attribute and
// <style> element even in a DOMParser document. So <style> goes and style="…" is renamed to
// this attribute in the HTML text, before parsing; the DOM work reads it from there.
const STYLE = 'data-vp-style';

// Attributes never kept on pasted elements (presentation, Office namespaces, ids, handlers).
const DROP_ATTRS = new Set([
  STYLE, 'style', 'class', 'lang', 'id', 'align', 'valign', 'width', 'height', 'border', 'cellspacing',
  'cellpadding', 'bgcolor', 'background', 'face', 'size', 'color', 'nowrap', 'dir', 'clear', 'name',
]);
// Elements removed with their content.
const DROP_ELEMENTS = 'style,script,noscript,template,meta,link,title,xml,head,object,embed,iframe,frame,frameset,form,input,button,select,textarea,svg,math';

/** Parses a CSS declaration list ("a: b; c: d") into a Map of lower-case names to values. */
function declarations(style) {
  const out = new Map();
  for (const part of (style || '').split(';')) {
    const colon = part.indexOf(':');
    if (colon < 0) continue;
    out.set(part.slice(0, colon).trim().toLowerCase(), part.slice(colon + 1).trim().toLowerCase());
  }
  return out;
}

function unwrap(el) {
  const parent = el.parentNode;
  if (!parent) return;
  while (el.firstChild) parent.insertBefore(el.firstChild, el);
  parent.removeChild(el);
}

function wrapChildren(el, tag) {
  const doc = el.ownerDocument;
  const w = doc.createElement(tag);
  while (el.firstChild) w.appendChild(el.firstChild);
  el.appendChild(w);
}

/** Whether an element holds nothing a reader would see (whitespace and &nbsp; only). */
function visiblyEmpty(el) {
  if (el.querySelector('img,br,hr,table,iframe')) return false;
  return el.textContent.replace(/[\s\u00a0\u200b]/g, '') === '';
}

function isWordListParagraph(el, decl) {
  if (el.localName !== 'p' && !/^h[1-6]$/.test(el.localName)) return false;
  const cls = el.getAttribute('class') || '';
  return /^MsoListParagraph/i.test(cls) || (decl.has('mso-list') && !/^ignore/.test(decl.get('mso-list')));
}

/** Word's list level (mso-list: l0 level2 lfo1), 1 when missing. */
function listLevel(decl) {
  const m = /level(\d+)/.exec(decl.get('mso-list') || '');
  return m ? Math.max(1, Math.min(9, Number(m[1]))) : 1;
}

/**
 * Word writes list items as paragraphs with mso-list styles and the bullet or number as text in a
 * <span style="mso-list:Ignore">; turns each run of them into nested <ul>/<ol> by level.
 */
function convertWordLists(body) {
  const doc = body.ownerDocument;
  const paragraphs = Array.from(body.querySelectorAll('p, h1, h2, h3, h4, h5, h6'));
  let stack = []; // [{list, level}]
  let lastPara = null;
  for (const p of paragraphs) {
    const decl = declarations(p.getAttribute(STYLE));
    if (!isWordListParagraph(p, decl)) {
      stack = [];
      lastPara = null;
      continue;
    }
    // The marker: the text of the mso-list:Ignore span ("1.", "a)", "·", "o", "§").
    let marker = '';
    for (const span of Array.from(p.querySelectorAll('span'))) {
      if (/mso-list\s*:\s*ignore/i.test(span.getAttribute(STYLE) || '')) {
        marker += span.textContent;
        span.remove();
      }
    }
    const ordered = /^\s*\(?([0-9]+|[a-z]|[ivxlcdm]+)[.)]/i.test(marker.replace(/\u00a0/g, ' '));
    const tag = ordered ? 'ol' : 'ul';
    const level = listLevel(decl);
    // A paragraph not right after the previous list paragraph starts a new list.
    const adjacent = lastPara && nextElement(lastPara) === p;
    if (!adjacent) stack = [];
    while (stack.length && stack[stack.length - 1].level > level) stack.pop();
    let top = stack[stack.length - 1];
    if (!top || top.level < level) {
      const list = doc.createElement(tag);
      if (top) {
        const parentItem = top.list.lastElementChild || top.list.appendChild(doc.createElement('li'));
        parentItem.appendChild(list);
      } else {
        p.parentNode.insertBefore(list, p);
      }
      top = { list, level };
      stack.push(top);
    } else if (top.list.localName !== tag && stack.length === 1) {
      // Same level, other kind: a new list beside the old one.
      const list = doc.createElement(tag);
      top.list.after(list);
      top = { list, level };
      stack[stack.length - 1] = top;
    }
    const li = doc.createElement('li');
    const inner = doc.createElement('p');
    while (p.firstChild) inner.appendChild(p.firstChild);
    li.appendChild(inner);
    top.list.appendChild(li);
    lastPara = p;
    // Keep p in place (empty) until the next one has been checked for adjacency, then drop it.
    p.setAttribute('data-vp-list-done', '');
  }
  for (const p of Array.from(body.querySelectorAll('[data-vp-list-done]'))) p.remove();
}

/** The next element sibling, skipping whitespace text and lists this pass already built. */
function nextElement(el) {
  let n = el.nextSibling;
  while (n && (n.nodeType === 3 ? n.textContent.trim() === '' : n.nodeType === 8)) n = n.nextSibling;
  return n;
}

/** Formatting written as CSS (Google Docs, Word character styles) becomes the matching element. */
function stylesToElements(el) {
  const decl = declarations(el.getAttribute(STYLE));
  if (decl.size === 0) return;
  const weight = decl.get('font-weight');
  const bold = weight && (weight === 'bold' || weight === 'bolder' || Number(weight) >= 600);
  const notBold = weight && (weight === 'normal' || weight === 'lighter' || (Number(weight) > 0 && Number(weight) < 600));
  const italic = decl.get('font-style') === 'italic' || decl.get('font-style') === 'oblique';
  const deco = `${decl.get('text-decoration') || ''} ${decl.get('text-decoration-line') || ''}`;
  const underline = /underline/.test(deco);
  const strike = /line-through/.test(deco);
  const va = decl.get('vertical-align') || '';
  const sup = va === 'super';
  const sub = va === 'sub';
  const name = el.localName;
  // Google Docs: <b style="font-weight:normal" id="docs-internal-guid-…"> around everything.
  if ((name === 'b' || name === 'strong') && notBold) {
    el.setAttribute('data-vp-unwrap', '');
    return;
  }
  if (name !== 'span' && name !== 'font') return;
  if (bold) wrapChildren(el, 'strong');
  if (italic) wrapChildren(el, 'em');
  if (underline) wrapChildren(el, 'u');
  if (strike) wrapChildren(el, 's');
  if (sup) wrapChildren(el, 'sup');
  if (sub) wrapChildren(el, 'sub');
}

/** Removes Office's conditional comments and XML islands from the HTML text. */
export function stripOfficeMarkup(html) {
  return (
    html
      // Downlevel-hidden: <!--[if gte mso 9]> … <![endif]--> (VML, document settings).
      .replace(/<!--\[if[^\]]*\]>[\s\S]*?<!\[endif\]-->/gi, '')
      // Downlevel-revealed blocks keep their content: <![if !vml]><img …><![endif]>, and
      // <![if !supportLists]><span style="mso-list:Ignore">1.</span><![endif]>, Word's list
      // marker, which convertWordLists reads (ordered or not) and removes.
      .replace(/<!\[if[^\]]*\]>|<!\[endif\]>/gi, '')
      .replace(/<xml[\s>][\s\S]*?<\/xml>/gi, '')
      .replace(/<style[\s>][\s\S]*?<\/style\s*>/gi, '')
      // style="…" → data-vp-style="…" inside tags (see STYLE); one per tag is all HTML keeps.
      .replace(/(<[a-z][^<>]*?[\s"'])style(\s*=)/gi, `$1${STYLE}$2`)
      .replace(/<\/?o:p\s*>/gi, (tag) => (tag.startsWith('</') ? '</vp-op>' : '<vp-op>'))
  );
}

/**
 * Cleans pasted HTML. Returns the HTML ProseMirror should parse. `origin` decides which images
 * stay (same-site only, as the server keeps). Pure DOM work in an inert document (DOMParser: no
 * scripts run, no images load).
 */
export function cleanPastedHtml(html, origin = window.location.origin) {
  const fromOffice =
    /urn:schemas-microsoft-com|class="?Mso|mso-|<o:p|docs-internal-guid|ProgId|content="?Word/i.test(html);
  const doc = new DOMParser().parseFromString(stripOfficeMarkup(html), 'text/html');
  const body = doc.body;
  if (!body) return '';

  // Comments, <o:p> (renamed vp-op above: an element name with a colon parses oddly), Office
  // namespaced elements (<v:shape>, <w:…>), and elements that never belong in an article.
  const walker = doc.createTreeWalker(body, NodeFilter.SHOW_COMMENT);
  const comments = [];
  while (walker.nextNode()) comments.push(walker.currentNode);
  for (const c of comments) c.remove();
  for (const el of Array.from(body.querySelectorAll('vp-op'))) el.remove();
  for (const el of Array.from(body.querySelectorAll(DROP_ELEMENTS))) el.remove();
  for (const el of Array.from(body.getElementsByTagName('*'))) {
    if (!el.localName.includes(':')) continue;
    // Smart tags (<st1:place>Hà Nội</st1:place>) keep their text; shapes and fields go.
    if (/^(v|w|m):/.test(el.localName)) el.remove();
    else unwrap(el);
  }

  convertWordLists(body);
  // Markers left outside list paragraphs (a list Word could not describe) are text to drop too.
  for (const span of Array.from(body.querySelectorAll(`span[${STYLE}]`))) {
    if (/mso-list\s*:\s*ignore/i.test(span.getAttribute(STYLE))) span.remove();
  }
  for (const el of Array.from(body.querySelectorAll(`[${STYLE}]`))) stylesToElements(el);
  for (const el of Array.from(body.querySelectorAll('[data-vp-unwrap]'))) unwrap(el);

  // Images: same-site sources only (Word's file:///C:/… and data: would be broken or refused).
  for (const img of Array.from(body.querySelectorAll('img'))) {
    const src = sameSiteImage(img.getAttribute('src'), origin);
    if (src) img.setAttribute('src', src);
    else img.remove();
  }

  // Attributes: presentation, ids, namespaced (o:gfxdata, v:shapes), event handlers. ProseMirror's
  // own clipboard markers (data-pm-slice) and TipTap's data-colwidth stay.
  for (const el of Array.from(body.getElementsByTagName('*'))) {
    for (const attr of Array.from(el.attributes)) {
      const n = attr.name.toLowerCase();
      if (DROP_ATTRS.has(n) || n.includes(':') || n.startsWith('on') || n === 'data-vp-list-done') {
        el.removeAttribute(attr.name);
      }
    }
  }

  // Word's empty paragraphs between paragraphs (<p class=MsoNormal><o:p>&nbsp;</o:p></p>).
  if (fromOffice) {
    for (const p of Array.from(body.querySelectorAll('p'))) {
      if (visiblyEmpty(p)) p.remove();
    }
  }
  return body.innerHTML;
}

/** Whether the HTML looks like it came from Word/Office (for the status line). */
export function looksLikeOffice(html) {
  return /urn:schemas-microsoft-com|class="?Mso|mso-|<o:p/i.test(html);
}
