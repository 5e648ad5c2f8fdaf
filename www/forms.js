// The three forms of the demo, declared as data: one entry per input, keyed by the JSON Pointer
// of the document field it edits (DOCUMENTS.md). app.js renders them and maps every finding's
// `path` back to the input with the same `data-path`.
//
// kind: text | date | datetime | int | decimal | bool | select (with `options`)

const L = (en, ru, kk) => ({ en, ru, kk });

export const REGIONS = [
  'abai', 'akmola', 'aktobe', 'almaty_region', 'atyrau', 'east_kazakhstan', 'jambyl', 'jetisu', 'karaganda',
  'kostanay', 'kyzylorda', 'mangystau', 'north_kazakhstan', 'pavlodar', 'turkistan', 'ulytau', 'west_kazakhstan',
  'astana', 'almaty', 'shymkent',
];
const ROUTES = ['oral', 'intravenous', 'subcutaneous', 'intramuscular', 'inhalation', 'other'];
const UNITS = ['mg', 'U', 'ml', 'vial', 'tablet', 'capsule', 'g', 'mcg'];

const f = (path, label, kind = 'text', extra = {}) => ({ path, label, kind, ...extra });

function organization(prefix, title) {
  return {
    title,
    fields: [
      f(`${prefix}/bin`, L('BIN', 'БИН', 'БСН')),
      f(`${prefix}/name`, L('Name', 'Наименование', 'Атауы'), 'text', { wide: true }),
      f(`${prefix}/care_level`, L('Level of care', 'Уровень помощи', 'Көмек деңгейі'), 'select', { options: ['primary', 'specialized'] }),
      f(`${prefix}/region`, L('Region', 'Регион', 'Өңір'), 'select', { options: REGIONS }),
    ],
  };
}

function patient(prefix = '/patient') {
  return {
    title: L('Patient', 'Пациент', 'Пациент'),
    fields: [
      f(`${prefix}/iin`, L('IIN', 'ИИН', 'ЖСН')),
      f(`${prefix}/full_name`, L('Full name', 'ФИО', 'Аты-жөні'), 'text', { wide: true }),
      f(`${prefix}/birth_date`, L('Date of birth', 'Дата рождения', 'Туған күні'), 'date'),
    ],
  };
}

const nosology = {
  title: L('Nosology', 'Нозология', 'Нозология'),
  fields: [
    f('/nosology/icd10', L('ICD-10 code', 'Код МКБ-10', 'АХЖ-10 коды')),
    f('/nosology/name', L('Name', 'Наименование', 'Атауы'), 'text', { wide: true }),
  ],
};

const drug = {
  title: L('Medicine', 'Лекарственное средство', 'Дәрілік зат'),
  fields: [
    f('/drug/inn', L('INN', 'МНН', 'ХПА')),
    f('/drug/trade_name', L('Trade name', 'Торговое наименование', 'Саудалық атауы')),
    f('/drug/dosage_form', L('Dosage form', 'Лекарственная форма', 'Дәрілік түрі'), 'text', { wide: true }),
    f('/drug/strength', L('Strength', 'Дозировка', 'Дозасы')),
    f('/drug/is_infusion', L('Infusion', 'Инфузионный', 'Инфузиялық'), 'bool'),
  ],
};

const dosing = (extra) => ({
  title: L('Dosing', 'Режим дозирования', 'Дозалау'),
  fields: [
    f('/single_dose/amount', L('Single dose', 'Разовая доза', 'Бір реттік доза'), 'decimal'),
    f('/single_dose/unit', L('Unit', 'Единица', 'Бірлік'), 'select', { options: UNITS }),
    f('/doses_per_day', L('Doses per day', 'Приёмов в сутки', 'Тәулігіне қабылдау саны'), 'int'),
    ...extra,
    f('/route', L('Route', 'Путь введения', 'Енгізу жолы'), 'select', { options: ROUTES }),
  ],
});

export const FORMS = [
  {
    type: 'mdt_conclusion',
    title: L('MDT conclusion', 'Заключение МДГ', 'МДТ қорытындысы'),
    clause: 'O29 p.4',
    sections: [
      {
        title: L('Conclusion', 'Заключение', 'Қорытынды'),
        fields: [
          f('/id', L('Number', 'Номер', 'Нөмірі')),
          f('/date', L('Date', 'Дата', 'Күні'), 'date'),
        ],
      },
      organization('/medical_organization', L('Medical organisation', 'Медицинская организация', 'Медициналық ұйым')),
      patient(),
      nosology,
      drug,
      dosing([
        f('/course_days_per_month', L('Course days per month', 'Дней курса в месяц', 'Айына курс күндері'), 'int'),
        f('/courses_per_year', L('Courses per year', 'Курсов в год', 'Жылына курс саны'), 'int'),
      ]),
    ],
  },
  {
    type: 'prescription',
    title: L('Prescription', 'Рецепт', 'Рецепт'),
    clause: 'O29 p.20–24',
    sections: [
      {
        title: L('Prescription', 'Рецепт', 'Рецепт'),
        fields: [
          f('/id', L('Number', 'Номер', 'Нөмірі')),
          f('/form', L('Form', 'Форма', 'Нысаны')),
          f('/electronic', L('Electronic', 'Электронный', 'Электрондық'), 'bool'),
          f('/issued_at', L('Issued at', 'Дата и время выписки', 'Жазылған уақыты'), 'datetime'),
          f('/valid_until', L('Valid until', 'Действителен до', 'Жарамдылық мерзімі'), 'date'),
          f('/mdt_conclusion_id', L('MDT conclusion no.', 'Номер заключения МДГ', 'МДТ қорытындысының нөмірі')),
          f('/mis_record_id', L('MIS record', 'Запись в МИС', 'МАЖ жазбасы')),
          f('/dlo_record_id', L('DLO record', 'Запись в ИС ЛО', 'ДЛО АЖ жазбасы')),
        ],
      },
      {
        title: L('Prescriber', 'Выписавший', 'Рецепт жазушы'),
        fields: [
          f('/prescriber/iin', L('IIN', 'ИИН', 'ЖСН')),
          f('/prescriber/role', L('Role', 'Должность', 'Лауазымы'), 'select', { options: ['doctor', 'mid_level'] }),
          f('/prescriber/rural_without_doctor', L('Rural, no doctor', 'Село без врача', 'Дәрігері жоқ ауыл'), 'bool'),
        ],
      },
      organization('/prescriber/organization', L('Organisation', 'Организация', 'Ұйым')),
      patient(),
      nosology,
      drug,
      {
        title: L('Trade name', 'Торговое наименование', 'Саудалық атау'),
        fields: [
          f('/trade_name_reason', L('Reason for a trade name', 'Основание торгового наименования', 'Саудалық атау негізі'), 'select', {
            options: ['individual_intolerance'],
          }),
        ],
      },
      dosing([f('/course_days', L('Course days', 'Дней курса', 'Курс күндері'), 'int')]),
      {
        title: L('Funding', 'Финансирование', 'Қаржыландыру'),
        fields: [
          f('/funding/source', L('Source', 'Источник', 'Көзі'), 'select', { options: ['republican_budget', 'local_budget', 'other'] }),
          f('/funding/region', L('Region', 'Регион', 'Өңір'), 'select', { options: REGIONS }),
          f('/funding/decision_ref', L('Decision', 'Решение', 'Шешім')),
        ],
      },
    ],
  },
  {
    type: 'dispensing',
    title: L('Dispensing', 'Отпуск', 'Босату'),
    clause: 'O29 p.25–27',
    sections: [
      {
        title: L('Dispensing', 'Отпуск', 'Босату'),
        fields: [
          f('/id', L('Number', 'Номер', 'Нөмірі')),
          f('/dispensed_at', L('Dispensed at', 'Дата и время отпуска', 'Босатылған уақыты'), 'datetime'),
          f('/channel', L('Channel', 'Канал', 'Арна'), 'select', { options: ['egov_qr', 'other'] }),
          f('/setting', L('Setting', 'Место отпуска', 'Босату орны'), 'select', { options: ['pharmacy', 'hospital_replacing'] }),
          f('/quantity/amount', L('Quantity', 'Количество', 'Саны'), 'decimal'),
          f('/quantity/unit', L('Unit', 'Единица', 'Бірлік'), 'select', { options: UNITS }),
          f('/supply_days', L('Supply days', 'На сколько дней', 'Неше күнге'), 'int'),
        ],
      },
      {
        title: L('Prescription', 'Рецепт', 'Рецепт'),
        fields: [
          f('/prescription_id', L('Prescription no.', 'Номер рецепта', 'Рецепт нөмірі')),
          f('/prescription_issued_at', L('Issued at', 'Дата выписки', 'Жазылған уақыты'), 'datetime'),
          f('/prescription_valid_until', L('Valid until', 'Действителен до', 'Жарамдылық мерзімі'), 'date'),
        ],
      },
      patient(),
      drug,
      organization('/organization', L('Organisation', 'Организация', 'Ұйым')),
      {
        title: L('Supervised by', 'Под контролем', 'Бақылаған'),
        fields: [
          f('/supervised_by/iin', L('IIN', 'ИИН', 'ЖСН')),
          f('/supervised_by/full_name', L('Full name', 'ФИО', 'Аты-жөні'), 'text', { wide: true }),
        ],
      },
    ],
  },
];
