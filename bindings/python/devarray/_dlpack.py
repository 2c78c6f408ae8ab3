"""DLPack device types, as returned by ``ndarray.__dlpack_device__()``."""

from __future__ import annotations

import enum

__all__ = ["DLDeviceType"]


class DLDeviceType(enum.IntEnum):
    """The ``DLDeviceType`` codes of the DLPack C header (an ``IntEnum``: compares equal to the
    plain integers other libraries use)."""

    kDLCPU = 1
    kDLCUDA = 2
    kDLCUDAHost = 3
    kDLOpenCL = 4
    kDLVulkan = 7
    kDLMetal = 8
    kDLVPI = 9
    kDLROCM = 10
    kDLROCMHost = 11
    kDLExtDev = 12
    kDLCUDAManaged = 13
    kDLOneAPI = 14
    kDLWebGPU = 15
    kDLHexagon = 16
    kDLMAIA = 17
