// A vendor's form, as TypeScript sees the package: the document types, standardSchema, the
// validator, react-hook-form's resolver. Compiled (never run) by `npx tsc -p tests-wasm/types`;
// the `@ts-expect-error` lines fail the compile if the types stop catching a wrong field type or a
// value outside a closed enumeration.
import init, { Validator, standardSchema, type MdtConclusion, type Prescription } from '@qagida/validator/web';
import type { DocumentType, QagidaDocument, QagidaIssue, QagidaStandardSchema, StandardSchemaV1 } from '@qagida/validator';
import { standardSchema as fromSubpath } from '@qagida/validator/standard-schema';
import { standardSchemaResolver } from '@hookform/resolvers/standard-schema';
import { useForm } from 'react-hook-form';

await init();
const pack = await fetch(new URL('./packs/default.qpack', import.meta.url));
const validator = Validator.fromCompiled(new Uint8Array(await pack.arrayBuffer()));

const prescription: Prescription = {
  document_type: 'prescription',
  id: 'RX-2026-118734',
  issued_at: '2026-04-06T10:15:00+05:00',
  patient: { iin: '140615601237', birth_date: '2014-06-15' },
  drug: { inn: 'Velaglucerase alfa', strength: '400 U', is_infusion: true },
  single_dose: { amount: '1600', unit: 'U' },
  doses_per_day: 1,
  course_days: 30,
  prescriber: { organization: { bin: '981140015670', care_level: 'primary' } },
};

const mdt: MdtConclusion = {
  document_type: 'mdt_conclusion',
  id: 'MDT-2026-0412',
  date: '2026-04-01',
  single_dose: { amount: 1600, unit: 'U' },
  courses_per_year: 1,
};

const wrongType: Prescription = {
  document_type: 'prescription',
  // @ts-expect-error an integer field given a string
  course_days: '30',
};

const wrongValue: MdtConclusion = {
  document_type: 'mdt_conclusion',
  // @ts-expect-error a value outside a closed enumeration (care_level: primary | specialized)
  medical_organization: { care_level: 'tertiary' },
};

// A union discriminated by document_type.
function describe(doc: QagidaDocument): string {
  const type: DocumentType = doc.document_type;
  return doc.document_type === 'prescription' ? `${type} ${doc.course_days ?? ''}` : type;
}

const warnings: string[] = [];
const schema: QagidaStandardSchema<Prescription> = standardSchema<Prescription>(validator, {
  lang: 'ru',
  mode: 'draft',
  asOf: '2026-04-10',
  onResult: (result) => warnings.push(...result.findings.filter((f) => f.severity === 'warning').map((f) => f.message)),
});
const generic: StandardSchemaV1<QagidaDocument> = fromSubpath(validator);

const outcome = schema['~standard'].validate(prescription);
if (outcome.issues) {
  const first: QagidaIssue | undefined = outcome.issues[0];
  const where: ReadonlyArray<string | number> | undefined = first?.path;
  console.log(first?.ruleId, first?.clause, first?.actual, first?.expected, where);
} else {
  const value: Prescription = outcome.value;
  console.log(value.id);
}

const result = validator.validate(mdt, { lang: 'kk' });
console.log(result.valid, describe(mdt), generic, wrongType, wrongValue, warnings);

// react-hook-form: the resolver takes the Standard Schema as it is.
export const resolver = standardSchemaResolver(standardSchema<Prescription>(validator, { lang: 'ru' }));

// The docs' snippet: a form of prescriptions.
export function usePrescriptionForm() {
  return useForm<Prescription>({ resolver: standardSchemaResolver(standardSchema(validator, { lang: 'ru' })) });
}
