/**
 * Which part of a personal name is the family name, for citations. Names are taken as given
 * names then family name ("Jane Q. Doe"), except where the name itself or the article says the
 * family name comes first:
 *
 * 1. **Marked**: one word written in capitals is the family name wherever it stands — the
 *    convention for Japanese, Hungarian and Vietnamese names in English text ("ABE Shinzo",
 *    "ORBÁN Viktor", "NGUYEN Van An"). Unmarked Japanese, Hungarian and Vietnamese names are read
 *    given name first, as English-language outlets print them.
 * 2. **Hyphenated**: two words, the second a hyphenated given name in the Korean and Taiwanese
 *    way ("Lee Min-jun", "Tsai Ing-wen") — always.
 * 3. **Korean**: the first word is a common Korean family name and the rest two one-syllable
 *    romanised words ("Moon Sung Whui", "Kim Yo Jong") when the article is about Korea (its title,
 *    outlet or text names Korea, Seoul or Pyongyang).
 * 4. **Chinese**: the first word is a common Chinese family name and the rest one or two pinyin
 *    or Wade–Giles syllables ("Xi Jinping", "Zhang Wei", "Tsai Ing-wen") when the article is about
 *    China, Taiwan or Hong Kong.
 *
 * A family-name-first name is written in that order, without a comma, by Chicago and MLA ("Moon
 * Sung Whui"), and as family name, initials by APA ("Moon, S. W.").
 */
export interface NameParts {
  family: string;
  given: string[];
  /** True when the family name is written first in the name as printed. */
  familyFirst: boolean;
}

const KOREAN_FAMILY = new Set(
  'kim lee yi rhee ri park pak bak choi choe chey jung jeong chung jong kang gang cho jo yoon yun jang chang lim im rim han oh o seo suh shin sin kwon gwon hwang ahn an song jeon jun chun hong moon mun ko go yang son sohn bae pae baek paik heo huh ho nam ryu yoo yu roh noh no ha kwak gwak sung seong cha joo ju woo u min ra na jin ji um eom chae won cheon chun bang gong kong hyun hyeon ham byun byeon yeom yum yeo'.split(' '),
);
const CHINESE_FAMILY = new Set(
  'wang li lee zhang chang liu lau chen chan chin yang yeung huang wong zhao chao wu ng zhou chou chow xu hsu tsui sun sung ma mah zhu chu hu woo guo kuo kwok he ho lin lam lim gao kao luo lo zheng cheng liang leung xie hsieh song tang tong han hon feng fung deng teng cao tsao peng pang zeng tseng xiao hsiao tian tien dong tung pan poon yuan yuen cai tsai choi jiang chiang yu yue du tu ye yeh cheng wei su so lu lo ding ting ren jen shen shum yao yiu lu fan fang fong shi shih xi hsi tan dai tai cui tsui qian chien mao fu kong hung zhong chung xia hsia jin kam'.split(' '),
);

/** One romanised Korean syllable: "Sung", "Whui", "Yo", "Jong", "Un". */
const KOREAN_SYLLABLE = /^(?:kk|tt|pp|ss|jj|ch|wh|[gkndtrlmbpsjhcy])?(?:[wy])?(?:eui|ae|eo|eu|oe|ui|oo|ee|ou|a|e|i|o|u)(?:ng|ck|[knlmpt])?$/i;
/** One pinyin or Wade–Giles syllable ("jin", "ping", "hsiao", "ing"). */
const PINYIN_SYLLABLE = /(?:zh|ch|sh|hs|ts|tz|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ueng|ang|eng|ing|ong|iao|ian|uai|uan|ai|ei|ao|ou|an|en|in|un|ia|ie|iu|ua|uo|ui|ue|er|a|o|e|i|u|ü|v)(?:h)?/iy;

function pinyinSyllables(word: string): number {
  const w = word.toLowerCase();
  // Greedy split into syllables; the longest finals are tried first by the alternation order.
  const split = (from: number): number => {
    if (from === w.length) return 0;
    for (let end = w.length; end > from; end--) {
      const part = w.slice(from, end);
      PINYIN_SYLLABLE.lastIndex = 0;
      const m = PINYIN_SYLLABLE.exec(part);
      if (m && m[0].length === part.length) {
        const rest = split(end);
        if (rest >= 0) return rest + 1;
      }
    }
    return -1;
  };
  return split(0);
}

const isCapitalised = (w: string) => /^\p{Lu}[\p{Ll}'’]*$/u.test(w);
const MARKED = /^\p{Lu}{2,}$/u;

/** The article's subject as far as names go: which family-name-first conventions apply. */
export function nameContext(text: string): { korea: boolean; china: boolean } {
  return {
    korea: /\b(?:Korea|Korean|Koreans|Seoul|Pyongyang|DPRK)\b/.test(text),
    china: /\b(?:China|Chinese|Beijing|Taiwan|Taiwanese|Taipei|Hong Kong|Shanghai)\b/.test(text),
  };
}

/** The parts of a personal name (the caller has ruled out organisations and one-word names). */
export function nameParts(name: string, context: { korea: boolean; china: boolean }): NameParts {
  const words = name.split(' ').filter(Boolean);
  const marked = words.filter((w) => MARKED.test(w.replace(/[-'’.]/g, '')) && w.replace(/[-'’.]/g, '').length >= 2);
  if (marked.length === 1 && words.length >= 2) {
    const at = words.indexOf(marked[0]!);
    const family = titleCase(marked[0]!);
    return { family, given: words.filter((_, i) => i !== at), familyFirst: at === 0 };
  }
  const [first, ...rest] = words;
  const firstKey = (first ?? '').toLowerCase();
  if (rest.length >= 1 && rest.length <= 2 && isCapitalised(first!)) {
    const hyphenated = rest.length === 1 && /^\p{Lu}\p{Ll}+-\p{Ll}+$/u.test(rest[0]!);
    // A hyphenated romanised given name ("Min-jun", "Ing-wen") is an East Asian name's: family first.
    if (hyphenated) return { family: first!, given: rest, familyFirst: true };
    if (context.korea && KOREAN_FAMILY.has(firstKey) && rest.length === 2 && rest.every((w) => isCapitalised(w) && KOREAN_SYLLABLE.test(w))) {
      return { family: first!, given: rest, familyFirst: true };
    }
    if (context.china && CHINESE_FAMILY.has(firstKey)) {
      const syllables = rest.flatMap((w) => w.split('-'));
      if (rest.every((w) => /^\p{Lu}[\p{Ll}-]+$/u.test(w)) && syllables.length <= 2 && syllables.every((s) => pinyinSyllables(s) >= 1 && pinyinSyllables(s) <= 2)) {
        return { family: first!, given: rest, familyFirst: true };
      }
    }
  }
  return { family: words[words.length - 1]!, given: words.slice(0, -1), familyFirst: false };
}

function titleCase(w: string): string {
  return w.replace(/[\p{L}]+/gu, (part) => part[0]! + part.slice(1).toLowerCase());
}

/** The name as printed, with a capitals-marked family name in ordinary case ("ABE Shinzo" → "Abe Shinzo"). */
export function displayName(name: string, p: NameParts): string {
  return p.familyFirst ? [p.family, ...p.given].join(' ') : name;
}

/** A name in ordinary case: a family name marked in capitals is written "Abe", not "ABE". */
export function ordinaryCase(name: string): string {
  const words = name.split(' ');
  const marked = words.filter((w) => MARKED.test(w.replace(/[-'’.]/g, '')));
  if (marked.length !== 1 || words.length < 2) return name;
  return words.map((w) => (w === marked[0] ? titleCase(w) : w)).join(' ');
}
