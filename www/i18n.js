// Interface texts of the demo. Finding messages and clauses come from the rule pack itself.
export const UI = {
  title: { en: 'qagida — checks as you type', ru: 'qagida — проверка при вводе', kk: 'qagida — енгізу кезінде тексеру' },
  subtitle: {
    en: 'Order 29 rules on medicines for orphan diseases, checked in the browser by the WebAssembly build of the validator.',
    ru: 'Правила Приказа №29 о лекарственном обеспечении при орфанных заболеваниях проверяются в браузере WebAssembly-сборкой валидатора.',
    kk: '№29 бұйрықтың орфандық ауруларға дәрілік қамтамасыз ету қағидалары браузерде валидатордың WebAssembly нұсқасымен тексеріледі.',
  },
  language: { en: 'Language', ru: 'Язык', kk: 'Тіл' },
  valid: { en: 'Valid', ru: 'Соответствует', kk: 'Сәйкес' },
  invalid: { en: 'Not valid', ru: 'Не соответствует', kk: 'Сәйкес емес' },
  counts: {
    en: (e, w, i) => `${e} error(s), ${w} warning(s), ${i} info`,
    ru: (e, w, i) => `ошибок: ${e}, предупреждений: ${w}, сведений: ${i}`,
    kk: (e, w, i) => `қате: ${e}, ескерту: ${w}, ақпарат: ${i}`,
  },
  timing: {
    en: (ms, asOf) => `validated in ${ms} ms, as of ${asOf}`,
    ru: (ms, asOf) => `проверено за ${ms} мс, на дату ${asOf}`,
    kk: (ms, asOf) => `${ms} мс ішінде тексерілді, ${asOf} күнгі жағдай`,
  },
  other: { en: 'Findings not tied to a field', ru: 'Замечания вне полей формы', kk: 'Форма өрістеріне қатысы жоқ ескертулер' },
  none: { en: 'none', ru: 'нет', kk: 'жоқ' },
  document: { en: 'The document sent to the validator', ru: 'Документ, переданный валидатору', kk: 'Валидаторға жіберілген құжат' },
  rules: { en: 'Rules that apply', ru: 'Применяемые правила', kk: 'Қолданылатын қағидалар' },
  reset: { en: 'Reset the form', ru: 'Сбросить форму', kk: 'Форманы қалпына келтіру' },
  yes: { en: 'yes', ru: 'да', kk: 'иә' },
  no: { en: 'no', ru: 'нет', kk: 'жоқ' },
  packTitle: { en: 'Rule pack', ru: 'Пакет правил', kk: 'Қағидалар пакеті' },
  packDefault: { en: 'the default pack, shipped with the module', ru: 'пакет по умолчанию, поставляется с модулем', kk: 'модульмен бірге жеткізілетін әдепкі пакет' },
  packLoadedFrom: { en: 'loaded from', ru: 'загружен из', kk: 'жүктелген орны' },
  packRules: { en: 'rules', ru: 'правил', kk: 'қағида' },
  packUrl: { en: 'Pack index URL', ru: 'URL индекса пакета', kk: 'Пакет индексінің URL-і' },
  packLoad: { en: 'Load', ru: 'Загрузить', kk: 'Жүктеу' },
  packDir: { en: 'or a pack folder', ru: 'или папка пакета', kk: 'немесе пакет қалтасы' },
  packReset: { en: 'Use the default pack', ru: 'Пакет по умолчанию', kk: 'Әдепкі пакет' },
  packRefused: { en: 'The pack was refused', ru: 'Пакет отклонён', kk: 'Пакет қабылданбады' },
  packHelp: {
    en: 'A regulator’s edited pack replaces the rules at once — no rebuild. The index is JSON: {"files": ["pack.toml", "types.toml", "rules/…", …]}, each fetched relative to it.',
    ru: 'Отредактированный регулятором пакет сразу заменяет правила — без пересборки. Индекс — JSON: {"files": ["pack.toml", "types.toml", "rules/…", …]}, файлы загружаются относительно него.',
    kk: 'Реттеуші өзгерткен пакет қағидаларды бірден ауыстырады — қайта құрастырусыз. Индекс — JSON: {"files": ["pack.toml", "types.toml", "rules/…", …]}, файлдар соған қатысты жүктеледі.',
  },
  loading: { en: 'Loading…', ru: 'Загрузка…', kk: 'Жүктелуде…' },
};

export const LANG_NAMES = { kk: 'Қазақша', ru: 'Русский', en: 'English' };
