import { Resvg } from '@resvg/resvg-js';
import { fileURLToPath } from 'node:url';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { CHART_FONT, CHART_SCALE } from './theme.ts';

/** The fonts shipped with the project (no system font is ever used). */
export const FONT_FILES = ['Inter-Regular.ttf', 'Inter-SemiBold.ttf'].map((f) => fileURLToPath(new URL(`../../../assets/fonts/${f}`, import.meta.url)));

export interface RenderedChart {
  png: Uint8Array;
  /** Pixel size of the PNG. */
  width: number;
  height: number;
}

/** A Vega-Lite spec as SVG (Vega's own SVG renderer, no canvas, no browser). */
export async function chartSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A Vega-Lite spec as PNG: SVG from Vega, rasterised by resvg with the project's fonts. */
export async function renderChartPng(spec: TopLevelSpec): Promise<RenderedChart> {
  const svg = await chartSvg(spec);
  const image = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: CHART_SCALE },
    font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: CHART_FONT },
  }).render();
  return { png: new Uint8Array(image.asPng()), width: image.width, height: image.height };
}
