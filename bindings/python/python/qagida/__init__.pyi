from ._qagida import InputError as InputError, Pack as Pack, PackError as PackError, __version__ as __version__
