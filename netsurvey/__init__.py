"""netsurvey: data-network pre-study toolkit for schools."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("netsurvey")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+source"
