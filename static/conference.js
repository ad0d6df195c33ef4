// Conferences (docs/conferences.md): a site's check-in page, which keeps a live connection and
// reports the line's health it measures itself, and the IT centre's live board of every site.
// Plain DOM code: the pages are server-rendered and work without it, except for the live parts.
(function () {
  'use strict';
  var QUIET_MS = 6000;  // three missed beats of 2 s: the site is lost (rules::HealthOf)
  function $(root, sel) { return root.querySelector(sel); }
  function label(root, code) { return root.getAttribute('data-l-' + code) || code; }
  function api(root, method, url, body) {
    return fetch(url, {
      method: method, credentials: 'same-origin',
      headers: body ? { 'Content-Type': 'application/json', 'X-CSRF-Token': root.getAttribute('data-csrf') } : {},
      body: body ? JSON.stringify(body) : undefined
    }).then(function (r) { return r.json().then(function (j) { return { ok: r.ok, status: r.status, body: j }; }); });
  }
  function renderQueue(root, conf, list, mayRun) {
    var ol = $(root.ownerDocument, '[data-queue]');
    if (!ol) return;
    ol.textContent = '';
    list.filter(function (q) { return ['waiting', 'granted', 'speaking'].indexOf(q.state) >= 0; }).forEach(function (q) {
      var li = document.createElement('li');
      li.setAttribute('data-speaking', q.state);
      li.textContent = q.site_name + ' — ' + q.topic + ' (' + label(root, q.state) + ') ';
      if (mayRun) {
        var steps = { waiting: ['grant', 'decline'], granted: ['start', 'decline'], speaking: ['done'] }[q.state] || [];
        steps.forEach(function (a) {
          var b = document.createElement('button');
          b.type = 'button'; b.className = 'small'; b.textContent = label(root, a); b.setAttribute('data-speak-action', a);
          b.addEventListener('click', function () {
            api(root, 'POST', '/api/v1/conferences/' + conf + '/speaking/' + q.id + '/' + a, {}).then(function () { loadQueue(root, conf, mayRun); });
          });
          li.appendChild(b);
        });
      }
      ol.appendChild(li);
    });
  }
  function loadQueue(root, conf, mayRun) {
    return api(root, 'GET', '/api/v1/conferences/' + conf + '/speaking').then(function (r) {
      if (r.ok) renderQueue(root, conf, r.body.queue, mayRun);
    });
  }

  // --- The check-in page of one site ---
  var page = document.querySelector('[data-checkin-page]');
  if (page) {
    var conf = page.getAttribute('data-conference'), site = page.getAttribute('data-site');
    var rtts = [], sent = 0, answered = [], seq = 0, last = { rtt: 0, jitter: 0, loss: 0 };
    var stream = $(page, '[data-stream]');
    function show(health) {
      var h = $(page, '[data-health]');
      h.className = 'state health-' + health; h.textContent = label(page, health);
    }
    function beat() {
      var my = ++seq, t0 = performance.now(), done = false;
      sent++;
      var timer = setTimeout(function () { if (!done) { answered.push(false); update(); } }, 2000);
      api(page, 'POST', '/api/v1/conferences/' + conf + '/sites/' + site + '/beat',
          { seq: my, rtt_ms: Math.round(last.rtt), jitter_ms: Math.round(last.jitter), loss_pct: Math.round(last.loss) })
        .then(function (r) {
          done = true; clearTimeout(timer);
          var rtt = performance.now() - t0;
          if (!r.ok) { answered.push(false); update(); return; }
          answered.push(true);
          if (rtts.length) last.jitter = (last.jitter * (rtts.length - 1) + Math.abs(rtt - rtts[rtts.length - 1])) / rtts.length;
          rtts.push(rtt); if (rtts.length > 20) rtts.shift();
          last.rtt = rtt;
          update();
          show(r.body.health);
        })
        .catch(function () { done = true; clearTimeout(timer); answered.push(false); update(); show('lost'); });
    }
    function update() {
      if (answered.length > 20) answered.shift();
      var lost = answered.filter(function (a) { return !a; }).length;
      last.loss = answered.length ? 100 * lost / answered.length : 0;
      $(page, '[data-rtt]').textContent = Math.round(last.rtt) + ' ms';
      $(page, '[data-jitter]').textContent = Math.round(last.jitter) + ' ms';
      $(page, '[data-loss]').textContent = Math.round(last.loss) + ' %';
    }
    beat();
    setInterval(beat, 2000);
    if (window.EventSource) {
      var es = new EventSource('/api/v1/events?topics=conference.live');
      es.onopen = function () { stream.textContent = label(page, 'open'); };
      es.onerror = function () { stream.textContent = label(page, 'closed'); };
      es.addEventListener('conference.live', function (m) {
        var e = JSON.parse(m.data);
        if (String(e.conference) !== conf) return;
        if (e.what === 'speaking') loadQueue(page, conf, false);
        if (e.what === 'agenda') api(page, 'GET', '/api/v1/conferences/' + conf).then(function (r) {
          if (!r.ok) return;
          var cur = r.body.agenda.filter(function (a) { return a.current; })[0];
          $(page, '[data-current]').textContent = cur ? cur.title : '';
        });
      });
    }
    loadQueue(page, conf, false);
    $(page, '[data-ask]').addEventListener('submit', function (ev) {
      ev.preventDefault();
      var topic = ev.target.elements.topic.value;
      api(page, 'POST', '/api/v1/conferences/' + conf + '/speaking', { site_id: Number(site), topic: topic }).then(function (r) {
        $(page, '[data-ask-status]').textContent = r.ok ? '✓' : (r.body.message || r.status);
        if (r.ok) { ev.target.reset(); loadQueue(page, conf, false); }
      });
    });
    $(page, '[data-join]').addEventListener('click', function () {
      api(page, 'GET', '/api/v1/conferences/' + conf + '/sites/' + site + '/join').then(function (r) {
        var a = $(page, '[data-join-link]');
        if (r.ok) { a.href = r.body.url; a.hidden = false; } else { $(page, '[data-ask-status]').textContent = r.body.message || r.status; }
      });
    });
  }

  // --- The IT centre's live board ---
  var board = document.querySelector('[data-live-board]');
  if (board) {
    var bconf = board.getAttribute('data-conference'), mayRun = board.hasAttribute('data-may-run');
    var tiles = {};
    Array.prototype.forEach.call(board.querySelectorAll('[data-site-tile]'), function (t) {
      tiles[t.getAttribute('data-site-tile')] = t;
    });
    function paint(t, health) {
      t.className = 'site-tile health-' + health;
      $(t, '[data-tile-health]').textContent = label(board, health);
      var row = document.querySelector('[data-row-health="' + t.getAttribute('data-site-tile') + '"]');
      if (row) row.textContent = label(board, health);
    }
    function tick() {
      var now = Date.now(), counts = { good: 0, degraded: 0, lost: 0, not_connected: 0 };
      Object.keys(tiles).forEach(function (id) {
        var t = tiles[id], seen = Number(t.getAttribute('data-seen') || 0);
        var h = t.getAttribute('data-health') || (seen ? 'good' : 'not_connected');
        if (seen && now - seen > QUIET_MS) h = 'lost';
        if (!seen) h = 'not_connected';
        if (t.className.indexOf('health-' + h) < 0) paint(t, h);
        counts[h]++;
      });
      $(board, '[data-counts]').textContent = label(board, 'good') + ' ' + counts.good + ' · ' + label(board, 'degraded') + ' ' +
        counts.degraded + ' · ' + label(board, 'lost') + ' ' + counts.lost + ' · ' + label(board, 'not_connected') + ' ' + counts.not_connected;
    }
    if (window.EventSource) {
      var bes = new EventSource('/api/v1/events?topics=conference.live');
      bes.addEventListener('conference.live', function (m) {
        var e = JSON.parse(m.data);
        if (String(e.conference) !== bconf) return;
        if (e.what === 'health' && tiles[e.subject]) {
          var t = tiles[e.subject];
          // The browser's own clock for "last heard", so the two clocks need not agree.
          t.setAttribute('data-seen', String(Date.now()));
          t.setAttribute('data-health', e.health);
          $(t, '[data-tile-figures]').textContent = e.rtt_ms + ' ms · ' + e.jitter_ms + ' ms · ' + e.loss_pct + '%';
          paint(t, e.health);
        }
        if (e.what === 'speaking') loadQueue(board, bconf, mayRun);
      });
    }
    tick();
    setInterval(tick, 1000);
    loadQueue(board, bconf, mayRun);
    Array.prototype.forEach.call(document.querySelectorAll('[data-current-item]'), function (b) {
      if (!mayRun) { b.hidden = true; return; }
      b.addEventListener('click', function () {
        api(board, 'POST', '/api/v1/conferences/' + bconf + '/agenda/' + b.getAttribute('data-current-item') + '/current', {})
          .then(function () { window.location.reload(); });
      });
    });
  }
})();
