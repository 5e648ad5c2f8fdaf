"""qagida: validate documents against Kazakhstan's rules on medicines for orphan diseases.

A thin shell over the Rust library: the same packs, the same results as the CLI, the WebAssembly
module and the service.

    import qagida
    pack = qagida.Pack.default()
    result = pack.validate(open("prescription.json").read(), lang="en")
    for f in result["findings"]:
        print(f["rule_id"], f["path"], f["message"])

`qagida.spark.validate(df)` runs the same validation on an Apache Spark DataFrame.
"""

from ._qagida import InputError, Pack, PackError, __version__

__all__ = ["Pack", "PackError", "InputError", "__version__"]
