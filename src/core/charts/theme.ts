/**
 * How charts look. Each chart is drawn on its own opaque light card, so it reads the same in
 * Discord's dark and light themes; series take the Okabe–Ito colour-blind-safe palette (its
 * yellow left out: too faint on white) in this order, "other" a neutral grey, the archive's
 * volume a dotted grey line. Text is Inter (assets/fonts, SIL Open Font Licence), loaded
 * explicitly so a chart renders the same on every machine.
 */
export const CHART_FONT = 'Inter';
export const CHART_BACKGROUND = '#ffffff';
export const CHART_TEXT = '#1f2328';
export const CHART_MUTED = '#5f6670';
export const CHART_GRID = '#e4e7eb';
/** Okabe & Ito (2008): blue, orange, bluish green, reddish purple, vermillion, sky blue. */
export const SERIES_COLORS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9'] as const;
export const OTHER_COLOR = '#9B9B9B';
export const VOLUME_COLOR = '#8A8F98';
/** Pixels per CSS pixel of the PNG (crisp on high-density screens; Discord scales it down). */
export const CHART_SCALE = 2;

/** Vega-Lite config shared by every chart. */
export const CHART_CONFIG = {
  font: CHART_FONT,
  background: CHART_BACKGROUND,
  padding: 16,
  view: { stroke: null },
  title: { color: CHART_TEXT, subtitleColor: CHART_MUTED, fontSize: 15, fontWeight: 600, subtitleFontSize: 12, subtitlePadding: 6, anchor: 'start', offset: 12 },
  axis: {
    labelColor: CHART_MUTED,
    titleColor: CHART_MUTED,
    labelFontSize: 11,
    titleFontSize: 11,
    titleFontWeight: 400,
    gridColor: CHART_GRID,
    domainColor: '#c9ced4',
    tickColor: '#c9ced4',
  },
  legend: { labelColor: CHART_TEXT, labelFontSize: 12, titleColor: CHART_MUTED, symbolStrokeWidth: 3, symbolSize: 160 },
} as const;
