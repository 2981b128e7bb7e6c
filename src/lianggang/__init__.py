"""Lianggang (两纲监测): monitoring and evaluation of the women's and children's outlines."""

__version__ = "0.1.0"
