// The Tasks dashboard (T-19): draws the page's figures as charts and keeps them current. The page
// is complete without it (server-rendered tables with links); this adds the charts, makes every
// bar and slice open the tasks behind it, and refreshes everything within a second of a change
// anywhere: the server's event stream (/api/v1/events, topic tasks.task) says something changed,
// the page asks /api/v1/tasks/dashboard again and redraws.
import {
  ArcElement, BarController, BarElement, CategoryScale, Chart, DoughnutController, Legend, LinearScale,
  LineController, LineElement, PointElement, Tooltip,
} from 'chart.js';

Chart.register(ArcElement, BarController, BarElement, CategoryScale, DoughnutController, Legend, LinearScale,
  LineController, LineElement, PointElement, Tooltip);
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
Chart.defaults.color = '#37474f';
Chart.defaults.maintainAspectRatio = false; // the boxes of the page set the height

// The status colours of the list's badges (static/app.css).
const STATUS_COLOURS = {
  completed_on_time: '#2e7d32', completed_late: '#9e9d24', in_progress_on_time: '#1565c0',
  in_progress_late: '#ef6c00', not_started_within_deadline: '#90a4ae', not_started_overdue: '#b71c1c',
  not_completed_overdue: '#d32f2f',
};
const RED = '#c62828';
const BLUE = '#1565c0';

const root = document.querySelector('[data-dashboard]');
if (root) start(root);

function start(el) {
  let data;
  try { data = JSON.parse(el.getAttribute('data-initial') || '{}'); } catch (e) { data = {}; }
  const charts = {};
  const open = (items) => (event, elements) => {
    if (!elements.length) return;
    const item = items()[elements[0].index];
    if (item && item.link) window.location.href = item.link;
  };
  const make = (name, config) => {
    const canvas = el.querySelector(`[data-chart="${name}"]`);
    if (!canvas) return;
    charts[name] = new Chart(canvas, config);
  };
  const statusItems = () => data.by_status.filter((b) => b.count > 0);
  make('by_status', {
    type: 'doughnut',
    data: { labels: [], datasets: [{ data: [], backgroundColor: [] }] },
    options: { animation: false, onClick: open(statusItems), plugins: { legend: { position: 'bottom' } } },
  });
  make('trend', {
    type: 'line',
    data: { labels: [], datasets: [
      { label: el.querySelector('[data-table="trend"] thead th:nth-child(2)')?.textContent || 'completed', data: [], borderColor: BLUE, backgroundColor: BLUE, tension: 0.25 },
      { label: el.querySelector('[data-table="trend"] thead th:nth-child(3)')?.textContent || 'overdue', data: [], borderColor: RED, backgroundColor: RED, tension: 0.25 },
    ] },
    options: { animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  const unitItems = () => data.by_unit.slice(0, 10);
  const unitHead = el.querySelectorAll('[data-table="by_unit"] thead th');
  make('by_unit', {
    type: 'bar',
    data: { labels: [], datasets: [
      { label: unitHead[1]?.textContent || 'tasks', data: [], backgroundColor: BLUE },
      { label: unitHead[2]?.textContent || 'overdue', data: [], backgroundColor: RED },
    ] },
    options: { animation: false, indexAxis: 'y', onClick: open(unitItems), scales: {
      x: { beginAtZero: true, ticks: { precision: 0 } },
      // Long unit names are cut on the axis; the table and the tooltip keep them whole.
      y: { ticks: { autoSkip: false, callback(value) { const l = this.getLabelForValue(value); return l.length > 24 ? `${l.slice(0, 23)}…` : l; } } },
    } },
  });
  const periodItems = () => data.by_period;
  make('by_period', {
    type: 'bar',
    data: { labels: [], datasets: [{ label: '', data: [], backgroundColor: BLUE }] },
    options: { animation: false, onClick: open(periodItems), plugins: { legend: { display: false } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });

  function draw() {
    if (charts.by_status) {
      const items = statusItems();
      charts.by_status.data.labels = items.map((b) => b.label);
      charts.by_status.data.datasets[0].data = items.map((b) => b.count);
      charts.by_status.data.datasets[0].backgroundColor = items.map((b) => STATUS_COLOURS[b.key] || '#78909c');
      charts.by_status.update();
    }
    if (charts.trend) {
      charts.trend.data.labels = data.trend.map((t) => t.month);
      charts.trend.data.datasets[0].data = data.trend.map((t) => t.completed);
      charts.trend.data.datasets[1].data = data.trend.map((t) => t.became_overdue);
      charts.trend.update();
    }
    if (charts.by_unit) {
      const items = unitItems();
      charts.by_unit.data.labels = items.map((b) => b.label);
      charts.by_unit.data.datasets[0].data = items.map((b) => b.count);
      charts.by_unit.data.datasets[1].data = items.map((b) => b.overdue);
      charts.by_unit.update();
    }
    if (charts.by_period) {
      charts.by_period.data.labels = data.by_period.map((b) => b.label);
      charts.by_period.data.datasets[0].data = data.by_period.map((b) => b.count);
      charts.by_period.update();
    }
  }

  // The tables the server rendered, rebuilt from fresh figures (the same columns).
  const cell = (tag, text, link) => {
    const c = document.createElement(tag);
    if (tag === 'th') c.scope = 'row';
    if (link) {
      const a = document.createElement('a');
      a.href = link;
      a.textContent = text;
      c.append(a);
    } else {
      c.textContent = String(text);
    }
    return c;
  };
  const fill = (name, rows) => {
    const body = el.querySelector(`[data-table="${name}"] tbody`);
    if (!body) return;
    body.replaceChildren(...rows.map((cells) => {
      const tr = document.createElement('tr');
      tr.append(...cells);
      return tr;
    }));
  };
  function table() {
    for (const k of ['total', 'overdue', 'completed']) {
      const f = el.querySelector(`[data-figure="${k}"]`);
      if (f) f.textContent = String(data[k]);
    }
    const at = el.querySelector('[data-at]');
    if (at) {
      at.textContent = data.at_local;
      at.setAttribute('datetime', data.at);
    }
    fill('by_status', data.by_status.map((b) => [cell('th', b.label, b.link), cell('td', b.count)]));
    fill('by_unit', data.by_unit.map((b) => [cell('th', b.label, b.link), cell('td', b.count), cell('td', b.overdue)]));
    fill('by_period', data.by_period.map((b) => [cell('th', b.label, b.link), cell('td', b.count)]));
    fill('trend', data.trend.map((t) => [cell('th', t.month), cell('td', t.completed), cell('td', t.became_overdue)]));
    if (data.most_overdue.length) {
      fill('most_overdue', data.most_overdue.map((t) => {
        const status = document.createElement('td');
        const badge = document.createElement('span');
        badge.className = `state state-${t.status}`;
        badge.textContent = t.status_label;
        status.append(badge);
        return [cell('td', t.content, t.link), cell('td', t.leads), cell('td', t.deadline_local), cell('td', t.days_overdue), status];
      }));
    }
  }

  if (data.by_status) draw();
  el.setAttribute('data-ready', '1');
  if (!window.EventSource) return;
  const api = el.getAttribute('data-api');
  const state = el.querySelector('[data-live-state]');
  let timer = null;
  let generation = 0;
  const refresh = () => {
    const mine = ++generation;
    fetch(api, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then((r) => (r.ok ? r.json() : null))
      .then((j) => {
        if (!j || mine !== generation) return;
        data = j;
        table();
        draw();
        el.setAttribute('data-refreshed', String(Number(el.getAttribute('data-refreshed') || 0) + 1));
      })
      .catch(() => {});
  };
  const events = new EventSource('/api/v1/events');
  events.addEventListener('tasks.task', () => {
    // Several changes at once (a status job, a batch) make one refresh.
    clearTimeout(timer);
    timer = setTimeout(refresh, 150);
  });
  events.addEventListener('open', () => { el.setAttribute('data-live', '1'); if (state) state.classList.remove('stale'); });
  events.addEventListener('error', () => { el.removeAttribute('data-live'); if (state) state.classList.add('stale'); });
}
