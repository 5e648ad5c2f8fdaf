// Types of standard-schema.js, shipped as pkg/standard-schema.d.ts by scripts/build-wasm.mjs (the
// relative imports below are those of the package: ./documents.js is the document types generated
// from the default pack's JSON Schema, ./nodejs/qagida_wasm.js the validator module's types, the
// same in every target; pkg/'s root and nodejs/ are CommonJS scopes, and TypeScript refuses a
// CommonJS file's import of an ES module's types without a resolution-mode attribute).
import type { QagidaDocument } from './documents.js';
import type { Finding, Lang, Mode, ValidationResult } from './nodejs/qagida_wasm.js';

// ---------------------------------------------------------------------------------------------
// StandardSchemaV1, copied from the Standard Schema specification, v1 (@standard-schema/spec
// 1.1.0, https://standardschema.dev, "Libraries wishing to implement a spec can copy/paste the
// code block below into their codebase"), so the package depends on nothing at run time or for
// its types. Copyright (c) 2024 Colin McDonnell, MIT License:
//
// Permission is hereby granted, free of charge, to any person obtaining a copy of this software
// and associated documentation files (the "Software"), to deal in the Software without
// restriction, including without limitation the rights to use, copy, modify, merge, publish,
// distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
// Software is furnished to do so, subject to the following conditions:
//
// The above copyright notice and this permission notice shall be included in all copies or
// substantial portions of the Software.
//
// THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING
// BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
// NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM,
// DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
// OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.

/** The Standard Typed interface. This is a base type extended by other specs. */
export interface StandardTypedV1<Input = unknown, Output = Input> {
  /** The Standard properties. */
  readonly "~standard": StandardTypedV1.Props<Input, Output>;
}

export declare namespace StandardTypedV1 {
  /** The Standard Typed properties interface. */
  export interface Props<Input = unknown, Output = Input> {
    /** The version number of the standard. */
    readonly version: 1;
    /** The vendor name of the schema library. */
    readonly vendor: string;
    /** Inferred types associated with the schema. */
    readonly types?: Types<Input, Output> | undefined;
  }

  /** The Standard Typed types interface. */
  export interface Types<Input = unknown, Output = Input> {
    /** The input type of the schema. */
    readonly input: Input;
    /** The output type of the schema. */
    readonly output: Output;
  }

  /** Infers the input type of a Standard Typed. */
  export type InferInput<Schema extends StandardTypedV1> = NonNullable<
    Schema["~standard"]["types"]
  >["input"];

  /** Infers the output type of a Standard Typed. */
  export type InferOutput<Schema extends StandardTypedV1> = NonNullable<
    Schema["~standard"]["types"]
  >["output"];
}

/** The Standard Schema interface. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The Standard Schema properties. */
  readonly "~standard": StandardSchemaV1.Props<Input, Output>;
}

export declare namespace StandardSchemaV1 {
  /** The Standard Schema properties interface. */
  export interface Props<Input = unknown, Output = Input>
    extends StandardTypedV1.Props<Input, Output> {
    /** Validates unknown input values. */
    readonly validate: (
      value: unknown,
      options?: StandardSchemaV1.Options | undefined
    ) => Result<Output> | Promise<Result<Output>>;
  }

  /** The result interface of the validate function. */
  export type Result<Output> = SuccessResult<Output> | FailureResult;

  /** The result interface if validation succeeds. */
  export interface SuccessResult<Output> {
    /** The typed output value. */
    readonly value: Output;
    /** A falsy value for `issues` indicates success. */
    readonly issues?: undefined;
  }

  export interface Options {
    /** Explicit support for additional vendor-specific parameters, if needed. */
    readonly libraryOptions?: Record<string, unknown> | undefined;
  }

  /** The result interface if validation fails. */
  export interface FailureResult {
    /** The issues of failed validation. */
    readonly issues: ReadonlyArray<Issue>;
  }

  /** The issue interface of the failure output. */
  export interface Issue {
    /** The error message of the issue. */
    readonly message: string;
    /** The path of the issue, if any. */
    readonly path?: ReadonlyArray<PropertyKey | PathSegment> | undefined;
  }

  /** The path segment interface of the issue. */
  export interface PathSegment {
    /** The key representing a path segment. */
    readonly key: PropertyKey;
  }

  /** The Standard types interface. */
  export interface Types<Input = unknown, Output = Input>
    extends StandardTypedV1.Types<Input, Output> {}

  /** Infers the input type of a Standard. */
  export type InferInput<Schema extends StandardTypedV1> =
    StandardTypedV1.InferInput<Schema>;

  /** Infers the output type of a Standard. */
  export type InferOutput<Schema extends StandardTypedV1> =
    StandardTypedV1.InferOutput<Schema>;
}
// ----------------------------------------------------- end of the copy of the Standard Schema spec

/** An error finding of the validator, as a Standard Schema issue. */
export interface QagidaIssue extends StandardSchemaV1.Issue {
  /** The finding's message, in the language asked for (`lang`). */
  readonly message: string;
  /** The finding's JSON Pointer as keys: `/drug/0/a~1b` → `["drug", 0, "a/b"]`; none for the whole document. */
  readonly path?: ReadonlyArray<string | number> | undefined;
  /** The rule's ID (`RX-03`), the engine's own (`TYPE`, `DOCTYPE`, …), or, when the validator threw, the error's name (`InputError`, `DocumentError`, `OptionsError`). */
  readonly ruleId: string;
  /** Always `"error"`: warnings and infos are not issues (see `onResult`). */
  readonly severity: Finding["severity"];
  /** The clause of the act, in the language asked for (empty for the engine's own findings). */
  readonly clause: string;
  /** The value found, as text. */
  readonly actual?: string | undefined;
  /** What the rule expected, as text. */
  readonly expected?: string | undefined;
}

/** The options of `standardSchema`. */
export interface StandardSchemaOptions {
  /** The language of the messages (a BCP 47 tag); the pack's default language when unset. */
  lang?: Lang | undefined;
  /** `"submit"` (the default): the complete document; `"draft"`: a form being filled in, absent fields not reported. */
  mode?: Mode | undefined;
  /** The date the rules apply as of (`YYYY-MM-DD`); the document's own date when unset. */
  asOf?: string | undefined;
  /** Called with each validation's whole result: its warnings and infos, which issues leave out. */
  onResult?: ((result: ValidationResult) => void) | undefined;
}

/** What `standardSchema` needs of a validator: a `Validator` of any target. */
export interface DocumentValidator {
  validate(document: unknown, options?: any): ValidationResult;
}

/** The Standard Schema of a validator, typed on the documents it validates. */
export interface QagidaStandardSchema<Doc = QagidaDocument> extends StandardSchemaV1<Doc, Doc> {
  readonly "~standard": QagidaStandardSchema.Props<Doc>;
}

export declare namespace QagidaStandardSchema {
  export interface Props<Doc> extends StandardSchemaV1.Props<Doc, Doc> {
    readonly vendor: "qagida";
    /** Synchronous: the document itself when no finding is an error, else the error findings as issues. */
    readonly validate: (
      value: unknown,
      options?: StandardSchemaV1.Options | undefined
    ) => StandardSchemaV1.SuccessResult<Doc> | FailureResult;
  }
  export interface FailureResult extends StandardSchemaV1.FailureResult {
    readonly issues: ReadonlyArray<QagidaIssue>;
  }
}

/**
 * A Standard Schema v1 object validating with `validator`: `{value}` when no finding has
 * severity `error`, else `{issues}` (the error findings). A validator that throws (input over a
 * limit, a bad option) gives one issue with the error's message.
 */
export declare function standardSchema<Doc = QagidaDocument>(
  validator: DocumentValidator,
  options?: StandardSchemaOptions
): QagidaStandardSchema<Doc>;

/** A JSON Pointer (RFC 6901) as a path of keys (array indices as numbers); `undefined` for `""`. */
export declare function pointerToPath(pointer: string): Array<string | number> | undefined;
