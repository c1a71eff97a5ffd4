// The month calendar: vanilla-calendar-pro (MIT) renders an ARIA grid of day buttons with
// arrow-key navigation and Intl month/day names; this wrapper keeps only days with free
// times enabled and adds the test hooks (data-testid="day-YYYY-MM-DD").
import { Calendar } from 'vanilla-calendar-pro';
import 'vanilla-calendar-pro/styles/index.css';
import { t, locale } from './i18n.js';
import { h } from './dom.js';
import { ymd, daysInMonth, pad2 } from './format.js';

function firstWeekday(tag) {
  try {
    const l = new Intl.Locale(tag);
    const info = (typeof l.getWeekInfo === 'function') ? l.getWeekInfo() : l.weekInfo;
    if (info && info.firstDay) return info.firstDay % 7; // 7 (Sunday) → 0
  } catch { /* older engines */ }
  return /^en-(US|CA)$/i.test(tag) ? 0 : 1;
}

/**
 * today: YYYY-MM-DD in the visitor's zone (earlier months are not shown).
 * onMonth(year, month1to12) after the visitor changes month; onDay(YYYY-MM-DD).
 */
export function monthPicker({ year, month, today, onMonth, onDay }) {
  const inner = h('div');
  const el = h('div', { class: 'month-picker', 'data-testid': 'calendar' }, inner); // the library sets inner's class
  let available = new Set();
  let selected = null;
  let cur = { year, month };
  const [ty, tm] = today.split('-').map(Number);
  const maxYear = ty + 2;

  function disabledList() {
    const out = [];
    const n = daysInMonth(cur.year, cur.month);
    for (let d = 1; d <= n; d++) {
      const day = ymd(cur.year, cur.month, d);
      if (!available.has(day)) out.push(day);
    }
    return out;
  }

  const cal = new Calendar(inner, {
    type: 'default',
    locale: locale(),
    firstWeekday: firstWeekday(locale()),
    selectedTheme: 'light',
    themeAttrDetect: false,
    selectionMonthsMode: 'only-arrows',
    selectionYearsMode: 'only-arrows',
    displayDatesOutside: false,
    enableJumpToSelectedDate: false,
    selectedMonth: month - 1,
    selectedYear: year,
    dateMin: `${ty}-${pad2(tm)}-01`,
    dateMax: `${maxYear}-12-31`,
    disableDates: [],
    labels: {
      application: t('cal.app'),
      navigation: t('cal.nav'),
      arrowNext: { month: t('cal.next'), year: t('cal.next'), week: t('cal.next') },
      arrowPrev: { month: t('cal.prev'), year: t('cal.prev'), week: t('cal.prev') },
    },
    onCreateDateEls(self, dateEl) {
      const btn = dateEl.querySelector('button');
      const day = dateEl.dataset.vcDate;
      if (!btn || !day) return;
      btn.dataset.testid = `day-${day}`;
      if (available.has(day)) {
        dateEl.classList.add('has-slots');
        btn.setAttribute('aria-pressed', day === selected ? 'true' : 'false');
        btn.removeAttribute('aria-disabled');
        btn.disabled = false;
      } else {
        btn.disabled = true;
        btn.setAttribute('aria-disabled', 'true');
        btn.removeAttribute('aria-pressed');
      }
    },
    onClickDate(self) {
      const day = self.context.selectedDates[0];
      if (!day || !available.has(day)) return;
      selected = day;
      for (const b of el.querySelectorAll('[aria-pressed]')) {
        b.setAttribute('aria-pressed', b.dataset.testid === `day-${day}` ? 'true' : 'false');
      }
      onDay(day);
    },
    onClickArrow(self) {
      cur = { year: self.context.selectedYear, month: self.context.selectedMonth + 1 };
      available = new Set();
      tagArrows();
      onMonth(cur.year, cur.month);
    },
  });

  function tagArrows() {
    const prev = el.querySelector('[data-vc-arrow="prev"]');
    const next = el.querySelector('[data-vc-arrow="next"]');
    if (prev) prev.dataset.testid = 'cal-prev';
    if (next) next.dataset.testid = 'cal-next';
    const head = el.querySelector('[data-vc="header"] [data-vc-header="content"]');
    if (head) head.dataset.testid = 'cal-month';
    // The month and year are plain text here, not pickers.
    for (const b of el.querySelectorAll('[data-vc="month"], [data-vc="year"]')) {
      b.tabIndex = -1;
      b.setAttribute('aria-hidden', 'true');
    }
  }

  function refresh() {
    const active = document.activeElement;
    const hadFocus = el.contains(active);
    const focusKey = hadFocus ? (active.dataset.vcArrow ? `[data-vc-arrow="${active.dataset.vcArrow}"]` : (active.dataset.testid ? `[data-testid="${active.dataset.testid}"]` : null)) : null;
    cal.set({ disableDates: disabledList(), selectedDates: selected ? [selected] : [] },
      { year: false, month: false, dates: true, time: false, locale: false });
    tagArrows();
    if (focusKey) {
      const f = el.querySelector(focusKey);
      if (f && !f.disabled && f.style.visibility !== 'hidden') f.focus();
    }
  }

  return {
    el,
    init() { cal.init(); tagArrows(); refresh(); },
    get year() { return cur.year; },
    get month() { return cur.month; },
    /** days: Set of YYYY-MM-DD with free times in the shown month. */
    setAvailable(days, chosen) {
      available = days;
      if (chosen !== undefined) selected = chosen;
      if (selected && !available.has(selected)) selected = null;
      refresh();
    },
    destroy() { try { cal.destroy(); } catch { /* gone */ } },
  };
}
