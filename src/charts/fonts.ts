/**
 * Fonts for rasterising charts with resvg, which draws text only with font files it can find.
 * We look for a few widely packaged sans families (Debian: `fonts-dejavu-core`); with none of them
 * the SVG is rendered with resvg's default (first system font), and with no font at all the chart
 * still renders, without text.
 */
import { existsSync } from 'node:fs';

// ---------------------------------------------------------------------------------------------
// Fonts

export interface FontChoice {
  /** CSS font-family list for the chart. */
  css: string;
  /** The family we found on disk, if any. */
  family: string | null;
}

/** Common places for a few widely packaged sans families (Debian/Ubuntu, Fedora, Alpine, Arch, macOS). */
const FONT_CANDIDATES: { family: string; paths: string[] }[] = [
  {
    family: 'DejaVu Sans',
    paths: [
      '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
      '/usr/share/fonts/dejavu/DejaVuSans.ttf',
      '/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf',
      '/usr/share/fonts/ttf-dejavu/DejaVuSans.ttf',
      '/usr/share/fonts/TTF/DejaVuSans.ttf',
    ],
  },
  {
    family: 'Liberation Sans',
    paths: [
      '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
      '/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf',
      '/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf',
      '/usr/share/fonts/liberation/LiberationSans-Regular.ttf',
    ],
  },
  {
    family: 'Noto Sans',
    paths: [
      '/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf',
      '/usr/share/fonts/noto/NotoSans-Regular.ttf',
    ],
  },
  { family: 'Helvetica', paths: ['/System/Library/Fonts/Helvetica.ttc'] },
  { family: 'Arial', paths: ['/System/Library/Fonts/Supplemental/Arial.ttf', '/Library/Fonts/Arial.ttf'] },
];

/**
 * ECharts lays text out by measuring it; without a canvas it uses an Arial-like width table, which
 * is fine for Liberation Sans/Arial/Helvetica but too narrow for DejaVu Sans (right-aligned and
 * legend text would overflow). These are the DejaVu Sans and DejaVu Sans Bold advance widths of
 * ASCII 32-126 in 1/1000 em, read from the fonts' hmtx tables.
 */
const DEJAVU_WIDTHS = [
  318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636,
  636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295,
  295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838,
  500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521,
  392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
];
const DEJAVU_BOLD_WIDTHS = [
  348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696, 696, 696,
  696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683, 683, 821, 837, 372,
  372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838,
  500, 500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595,
  478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
];
const DEJAVU_OTHER: Record<string, number> = { '·': 318, '—': 1000, '–': 500, '…': 1000, '€': 636 };

/** Text width in px for DejaVu Sans at the size/weight given in a CSS font shorthand. */
export function measureDejaVu(text: string, font: string | undefined): number {
  const css = font ?? '12px sans-serif';
  const size = Number(/(\d+(?:\.\d+)?)px/.exec(css)?.[1] ?? 12);
  const widths = /\bbold\b|\b[6-9]00\b/.test(css) ? DEJAVU_BOLD_WIDTHS : DEJAVU_WIDTHS;
  let perMille = 0;
  for (const ch of text ?? '') {
    const code = ch.charCodeAt(0);
    perMille += (code >= 32 && code < 127 ? widths[code - 32] : undefined) ?? DEJAVU_OTHER[ch] ?? 620;
  }
  return (perMille / 1000) * size;
}

let fontChoice: FontChoice | undefined;

/** The font family the chart will ask for; detected once per process. */
export function chartFont(): FontChoice {
  if (fontChoice) return fontChoice;
  let family: string | null = null;
  for (const candidate of FONT_CANDIDATES) {
    if (candidate.paths.some((path) => safeExists(path))) {
      family = candidate.family;
      break;
    }
  }
  const known = FONT_CANDIDATES.map((c) => c.family).filter((f) => f !== family);
  const css = [...(family ? [family] : []), ...known, 'sans-serif'].join(', ');
  fontChoice = { css, family };
  return fontChoice;
}

function safeExists(path: string): boolean {
  try {
    return existsSync(path);
  } catch {
    return false;
  }
}
