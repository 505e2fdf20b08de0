"""Finding providers by name, configuration files, and making connected services.

One module per job, lowest first (each imports only those above it):

* :mod:`._names`: the variables, file name and profile keys, ``did_you_mean``;
* :mod:`._toml_lines`: the line of every key in TOML text (for error messages);
* :mod:`._values`: ``timeout`` / ``retry`` values from a file or ``-o key=value``;
* :mod:`.registry`: providers by name (run time, the built-in table, entry points);
* :mod:`._factory`: what a provider's factory takes; making a service from checked options;
* :mod:`.schema`: the profile schema and the check of one parsed file;
* :mod:`.files`: finding and reading the files, checking each profile against its provider;
* :mod:`.resolve`: precedence (arguments > environment > file), ``connect``,
  ``connect_from_env``;
* :mod:`.verifiers`: ``webhook_verifier``, resolved the same way.

Every name is re-exported here: ``from confclient.config import X`` is the way in.
"""

from ._names import (
    CONFIG_ENV,
    ENV_SUFFIX,
    LOCAL_FILE,
    NOT_IN_FILES,
    PROFILE_ENV,
    PROFILE_KEYS,
    REGION_ENV,
    REGION_OPTION,
    did_you_mean,
    is_secret_option,
)
from ._toml_lines import KeyPath, locate_keys
from ._values import RETRY_KEYS, TIMEOUT_KEYS, Fail, convert_option
from .files import check_profile, config_paths, load_config, load_config_file, read_config
from .registry import (
    ENTRY_POINT_GROUP,
    ProviderFactory,
    available_providers,
    load_provider,
    load_provider_part,
    register_provider,
    unregister_provider,
)
from .resolve import ResolvedConfig, connect, connect_from_env, resolve_config
from .schema import Config, ConfigFile, Profile
from .verifiers import webhook_verifier

__all__ = [
    "CONFIG_ENV",
    "ENTRY_POINT_GROUP",
    "ENV_SUFFIX",
    "LOCAL_FILE",
    "NOT_IN_FILES",
    "PROFILE_ENV",
    "PROFILE_KEYS",
    "REGION_ENV",
    "REGION_OPTION",
    "RETRY_KEYS",
    "TIMEOUT_KEYS",
    "Config",
    "ConfigFile",
    "Fail",
    "KeyPath",
    "Profile",
    "ProviderFactory",
    "ResolvedConfig",
    "available_providers",
    "check_profile",
    "config_paths",
    "connect",
    "connect_from_env",
    "convert_option",
    "did_you_mean",
    "is_secret_option",
    "load_config",
    "load_config_file",
    "load_provider",
    "load_provider_part",
    "locate_keys",
    "read_config",
    "register_provider",
    "resolve_config",
    "unregister_provider",
    "webhook_verifier",
]
