// The back office's rich-text editor: TipTap (on ProseMirror) mounted on every
// <div class="rte" data-editor-for="ID"> over the <textarea id="ID"> it names.
//
// Progressive enhancement: without JavaScript the textarea (raw HTML, sanitised by the server)
// is the editor. With it, the textarea is hidden but stays in the form, and holds the editor's
// HTML after every change and on submit. Nothing is global but window.vpEditors (textarea id →
// TipTap Editor), for tests. The page's Content-Security-Policy (style-src 'self') forbids
// inline styles, so TipTap's injected <style> is off (editor.css carries it) and no node writes
// a style attribute.

import './editor.css';

import { Editor, Extension, mergeAttributes } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import Subscript from '@tiptap/extension-subscript';
import Superscript from '@tiptap/extension-superscript';
import { Table, TableCell, TableHeader, TableRow } from '@tiptap/extension-table';
import { Placeholder } from '@tiptap/extensions';

import { askDialog } from './dialog.js';
import { Figure, SameSiteImage } from './figure.js';
import { cleanPastedHtml, looksLikeOffice } from './paste.js';
import { strings } from './strings.js';
import { uploadImage } from './upload.js';
import { isAllowedLink, normaliseLink } from './urls.js';

// Tables as plain <table><tbody>…: no style="min-width…" and no <colgroup> in the saved HTML
// (the server drops both) nor in the live document (CSP). TipTap's TableView still sizes the
// columns in the editor through CSSOM, which the CSP allows.
const PlainTable = Table.extend({
  renderHTML({ HTMLAttributes }) {
    const { style, ...rest } = HTMLAttributes; // eslint-disable-line no-unused-vars
    return ['table', mergeAttributes(this.options.HTMLAttributes, rest), ['tbody', 0]];
  },
});
// Cells: alignment is written as style="text-align…", left out for the same reason; colspan
// and rowspan only when they span.
const plainCell = (ext) =>
  ext.extend({
    addAttributes() {
      const attrs = { ...this.parent?.() };
      delete attrs.align;
      for (const name of ['colspan', 'rowspan']) {
        attrs[name] = {
          ...attrs[name],
          renderHTML: (a) => (a[name] > 1 ? { [name]: a[name] } : {}),
        };
      }
      return attrs;
    },
  });
const PlainCell = plainCell(TableCell);
const PlainHeader = plainCell(TableHeader);

// The toolbar, in order. cmd is the stable data-cmd (tests use it); key the strings entry;
// glyph what the button shows (its name is the aria-label); group starts a new cluster.
const BUTTONS = [
  { cmd: 'bold', glyph: 'B', shortcut: 'Ctrl+B', toggle: true, group: 'text' },
  { cmd: 'italic', glyph: 'I', shortcut: 'Ctrl+I', toggle: true },
  { cmd: 'underline', glyph: 'U', shortcut: 'Ctrl+U', toggle: true },
  { cmd: 'strike', glyph: 'S', shortcut: 'Ctrl+Shift+S', toggle: true },
  { cmd: 'subscript', glyph: 'x₂', shortcut: 'Ctrl+,', toggle: true },
  { cmd: 'superscript', glyph: 'x²', shortcut: 'Ctrl+.', toggle: true },
  { cmd: 'h2', glyph: 'H2', shortcut: 'Ctrl+Alt+2', toggle: true, group: 'block' },
  { cmd: 'h3', glyph: 'H3', shortcut: 'Ctrl+Alt+3', toggle: true },
  { cmd: 'bulletList', glyph: '•≡', shortcut: 'Ctrl+Shift+8', toggle: true },
  { cmd: 'orderedList', glyph: '1≡', shortcut: 'Ctrl+Shift+7', toggle: true },
  { cmd: 'blockquote', glyph: '❝', shortcut: 'Ctrl+Shift+B', toggle: true },
  { cmd: 'link', icon: 'link', shortcut: 'Ctrl+K', toggle: true, group: 'insert' },
  { cmd: 'unlink', icon: 'unlink' },
  { cmd: 'image', icon: 'image' },
  { cmd: 'table', glyph: '▦', group: 'table' },
  { cmd: 'addRowAfter', glyph: '+≡' },
  { cmd: 'deleteRow', glyph: '−≡' },
  { cmd: 'addColumnAfter', glyph: '+‖' },
  { cmd: 'deleteColumn', glyph: '−‖' },
  { cmd: 'deleteTable', glyph: '✕▦' },
  { cmd: 'undo', glyph: '↶', shortcut: 'Ctrl+Z', group: 'history' },
  { cmd: 'redo', glyph: '↷', shortcut: 'Ctrl+Shift+Z' },
];

// Line icons (24×24, stroked by editor.css) where no common font has a clear symbol.
const ICONS = {
  link: ['M10 8H7a4 4 0 0 0 0 8h3', 'M14 8h3a4 4 0 0 1 0 8h-3', 'M8 12h8'],
  unlink: ['M10 8H7a4 4 0 0 0 0 8h3', 'M14 8h3a4 4 0 0 1 0 8h-3', 'M4 4l16 16'],
  image: ['M4 5h16v14H4z', 'M4 17l5-5 4 4 2-2 5 5', 'M15 9a1.5 1.5 0 1 0 3 0a1.5 1.5 0 1 0-3 0'],
};
const SVG = 'http://www.w3.org/2000/svg';

function icon(name) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  for (const d of ICONS[name]) {
    const path = document.createElementNS(SVG, 'path');
    path.setAttribute('d', d);
    svg.appendChild(path);
  }
  return svg;
}

let mountCounter = 0;

function mount(host) {
  const id = host.getAttribute('data-editor-for');
  const textarea = id && document.getElementById(id);
  if (!textarea || textarea.localName !== 'textarea' || window.vpEditors[id]) return null;
  const t = strings();
  const form = textarea.form;
  const n = ++mountCounter;

  // The visible label of the field names the editor too; a click on it focuses the editor
  // (its for= points at the hidden textarea).
  const label = document.querySelector(`label[for="${CSS.escape(id)}"]`);
  if (label && !label.id) label.id = `${id}-label`;

  const toolbar = document.createElement('div');
  toolbar.className = 'rte-toolbar';
  toolbar.setAttribute('role', 'toolbar');
  toolbar.setAttribute('aria-label', t.toolbar);
  toolbar.setAttribute('aria-controls', `${id}-rte`);
  const content = document.createElement('div');
  content.className = 'rte-body';
  const hint = document.createElement('p');
  hint.className = 'rte-hint';
  hint.id = `vp-rte-hint-${n}`;
  hint.textContent = t.keyboardHint;
  const status = document.createElement('p');
  status.className = 'rte-status';
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  status.setAttribute('data-rte-status', '');

  let sayTimer = 0;
  const say = (message, isError = false) => {
    window.clearTimeout(sayTimer);
    status.textContent = '';
    // Set after a moment, so the same message twice is still announced.
    sayTimer = window.setTimeout(() => {
      status.classList.toggle('rte-status-error', isError);
      status.textContent = message;
    }, 30);
  };

  const sync = () => {
    textarea.value = editor.isEmpty ? '' : editor.getHTML();
  };

  let editor;
  const actions = {
    link: () => editLink(),
    image: () => insertImage(),
  };
  const Shortcuts = Extension.create({
    name: 'vpShortcuts',
    addKeyboardShortcuts() {
      return {
        'Mod-k': () => {
          actions.link();
          return true;
        },
        'Alt-F10': () => {
          focusToolbar();
          return true;
        },
      };
    },
  });

  editor = new Editor({
    element: content,
    injectCSS: false,
    content: textarea.value,
    extensions: [
      StarterKit.configure({
        heading: { levels: [2, 3, 4] },
        link: {
          openOnClick: false,
          autolink: true,
          linkOnPaste: true,
          defaultProtocol: 'https',
          HTMLAttributes: { target: null, rel: null },
          isAllowedUri: (url) => isAllowedLink(url),
        },
      }),
      Subscript,
      Superscript,
      Figure,
      SameSiteImage,
      PlainTable.configure({ resizable: false }),
      TableRow,
      PlainHeader,
      PlainCell,
      Placeholder.configure({ placeholder: t.placeholder }),
      Shortcuts,
    ],
    editorProps: {
      attributes: {
        id: `${id}-rte`,
        class: 'rte-content',
        role: 'textbox',
        'aria-multiline': 'true',
        ...(label ? { 'aria-labelledby': label.id } : { 'aria-label': t.editorLabel }),
        'aria-describedby': hint.id,
        spellcheck: 'true',
      },
      transformPastedHTML(html) {
        const cleaned = cleanPastedHtml(html);
        if (looksLikeOffice(html)) say(t.pasteCleaned);
        return cleaned;
      },
    },
  });

  // Buttons, with one tab stop for the whole toolbar (arrow keys move inside: the ARIA toolbar
  // pattern). Disabled buttons stay focusable with aria-disabled, so they are still found.
  const buttons = [];
  let group = null;
  for (const b of BUTTONS) {
    if (b.group || !group) {
      group = document.createElement('span');
      group.className = `rte-group rte-group-${b.group || 'text'}`;
      toolbar.appendChild(group);
    }
    const button = document.createElement('button');
    button.type = 'button';
    button.className = `rte-btn rte-btn-${b.cmd}`;
    button.dataset.cmd = b.cmd;
    button.setAttribute('aria-label', t[b.cmd]);
    button.title = b.shortcut ? `${t[b.cmd]} (${b.shortcut})` : t[b.cmd];
    button.tabIndex = buttons.length === 0 ? 0 : -1;
    if (b.toggle) button.setAttribute('aria-pressed', 'false');
    if (b.icon) {
      button.appendChild(icon(b.icon));
    } else {
      const glyph = document.createElement('span');
      glyph.setAttribute('aria-hidden', 'true');
      glyph.textContent = b.glyph;
      button.appendChild(glyph);
    }
    group.appendChild(button);
    buttons.push(button);
  }

  const chain = () => editor.chain().focus();
  const run = {
    bold: () => chain().toggleBold().run(),
    italic: () => chain().toggleItalic().run(),
    underline: () => chain().toggleUnderline().run(),
    strike: () => chain().toggleStrike().run(),
    subscript: () => chain().unsetSuperscript().toggleSubscript().run(),
    superscript: () => chain().unsetSubscript().toggleSuperscript().run(),
    h2: () => chain().toggleHeading({ level: 2 }).run(),
    h3: () => chain().toggleHeading({ level: 3 }).run(),
    bulletList: () => chain().toggleBulletList().run(),
    orderedList: () => chain().toggleOrderedList().run(),
    blockquote: () => chain().toggleBlockquote().run(),
    link: actions.link,
    unlink: () => {
      chain().extendMarkRange('link').unsetLink().run();
      say(t.linkRemoved);
    },
    image: actions.image,
    table: () => {
      if (chain().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run()) say(t.tableInserted);
    },
    addRowAfter: () => chain().addRowAfter().run(),
    deleteRow: () => chain().deleteRow().run(),
    addColumnAfter: () => chain().addColumnAfter().run(),
    deleteColumn: () => chain().deleteColumn().run(),
    deleteTable: () => chain().deleteTable().run(),
    undo: () => chain().undo().run(),
    redo: () => chain().redo().run(),
  };
  const pressed = {
    bold: () => editor.isActive('bold'),
    italic: () => editor.isActive('italic'),
    underline: () => editor.isActive('underline'),
    strike: () => editor.isActive('strike'),
    subscript: () => editor.isActive('subscript'),
    superscript: () => editor.isActive('superscript'),
    h2: () => editor.isActive('heading', { level: 2 }),
    h3: () => editor.isActive('heading', { level: 3 }),
    bulletList: () => editor.isActive('bulletList'),
    orderedList: () => editor.isActive('orderedList'),
    blockquote: () => editor.isActive('blockquote'),
    link: () => editor.isActive('link'),
  };
  const enabled = {
    unlink: () => editor.isActive('link'),
    table: () => editor.can().insertTable({ rows: 3, cols: 3, withHeaderRow: true }),
    addRowAfter: () => editor.can().addRowAfter(),
    deleteRow: () => editor.can().deleteRow(),
    addColumnAfter: () => editor.can().addColumnAfter(),
    deleteColumn: () => editor.can().deleteColumn(),
    deleteTable: () => editor.can().deleteTable(),
    undo: () => editor.can().undo(),
    redo: () => editor.can().redo(),
  };

  const refresh = () => {
    for (const button of buttons) {
      const cmd = button.dataset.cmd;
      if (pressed[cmd]) button.setAttribute('aria-pressed', String(pressed[cmd]()));
      if (enabled[cmd]) {
        if (enabled[cmd]()) button.removeAttribute('aria-disabled');
        else button.setAttribute('aria-disabled', 'true');
      }
    }
  };

  toolbar.addEventListener('click', (e) => {
    const button = e.target.closest('button[data-cmd]');
    if (!button || button.getAttribute('aria-disabled') === 'true') return;
    setRoving(buttons.indexOf(button));
    run[button.dataset.cmd]();
  });
  // Keep the text selection when a button is pressed with the mouse.
  toolbar.addEventListener('mousedown', (e) => {
    if (e.target.closest('button[data-cmd]')) e.preventDefault();
  });
  const setRoving = (i) => {
    buttons.forEach((b, j) => {
      b.tabIndex = j === i ? 0 : -1;
    });
  };
  const focusButton = (i) => {
    const k = (i + buttons.length) % buttons.length;
    setRoving(k);
    buttons[k].focus();
  };
  function focusToolbar() {
    const current = buttons.findIndex((b) => b.tabIndex === 0);
    focusButton(current < 0 ? 0 : current);
  }
  toolbar.addEventListener('keydown', (e) => {
    const i = buttons.indexOf(document.activeElement);
    if (i < 0) return;
    const keys = {
      ArrowRight: () => focusButton(i + 1),
      ArrowDown: () => focusButton(i + 1),
      ArrowLeft: () => focusButton(i - 1),
      ArrowUp: () => focusButton(i - 1),
      Home: () => focusButton(0),
      End: () => focusButton(buttons.length - 1),
      Escape: () => editor.view.focus(),
    };
    if (keys[e.key]) {
      e.preventDefault();
      keys[e.key]();
    }
  });

  async function editLink() {
    const inLink = editor.isActive('link');
    const empty = editor.state.selection.empty;
    const fields = [
      { name: 'href', label: t.linkUrl, type: 'text', inputmode: 'url', required: true, value: editor.getAttributes('link').href || '' },
    ];
    if (empty && !inLink) fields.push({ name: 'text', label: t.linkText, type: 'text' });
    const v = await askDialog({
      title: t.linkTitle,
      fields,
      submitLabel: t.linkApply,
      cancelLabel: t.cancel,
      className: 'rte-dialog-link',
      validate: (values) => (normaliseLink(values.href) ? '' : [t.linkBad, 'href']),
    });
    if (!v) {
      editor.commands.focus();
      return;
    }
    const href = normaliseLink(v.href);
    if (empty && !inLink) {
      chain()
        .insertContent({ type: 'text', text: v.text || href, marks: [{ type: 'link', attrs: { href } }] })
        .run();
    } else {
      chain().extendMarkRange('link').setLink({ href }).run();
    }
    say(t.linkSet);
  }

  async function insertImage() {
    const v = await askDialog({
      title: t.imageTitle,
      fields: [
        { name: 'file', label: t.imageFile, type: 'file', accept: 'image/jpeg,image/png,image/webp,image/gif', required: true },
        { name: 'alt', label: t.imageAlt, type: 'text', required: true },
        { name: 'caption', label: t.imageCaption, type: 'text' },
      ],
      submitLabel: t.imageInsert,
      cancelLabel: t.cancel,
      className: 'rte-dialog-image',
      validate: (values) => {
        if (!values.file) return [t.imageNeedFile, 'file'];
        if (!values.alt) return [t.imageNeedAlt, 'alt'];
        return '';
      },
    });
    if (!v) {
      editor.commands.focus();
      return;
    }
    say(t.imageUploading);
    host.setAttribute('aria-busy', 'true');
    try {
      const { url } = await uploadImage(v.file, form, t);
      chain().insertFigure({ src: url, alt: v.alt, caption: v.caption }).run();
      say(t.imageInserted);
    } catch (err) {
      say(err && err.message ? err.message : t.imageFailed, true);
      editor.commands.focus();
    } finally {
      host.removeAttribute('aria-busy');
    }
  }

  editor.on('update', sync);
  editor.on('transaction', refresh);
  if (form) {
    form.addEventListener('submit', sync, true);
    form.addEventListener('formdata', sync);
  }
  if (label) label.addEventListener('click', () => editor.commands.focus());

  host.replaceChildren(toolbar, content, hint, status);
  host.classList.add('rte-ready');
  textarea.hidden = true;
  textarea.classList.add('rte-source-hidden');
  textarea.setAttribute('aria-hidden', 'true');
  textarea.tabIndex = -1;
  refresh();
  window.vpEditors[id] = editor;
  return editor;
}

function mountAll() {
  for (const host of document.querySelectorAll('.rte[data-editor-for]')) {
    try {
      mount(host);
    } catch (err) {
      // The textarea stays visible and usable; the error shows in the console for the developer.
      console.error('vanphong editor: could not start', err); // eslint-disable-line no-console
    }
  }
}

window.vpEditors = window.vpEditors || {};
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mountAll);
else mountAll();
