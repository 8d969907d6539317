"""Browser and platform names as people write them ("Microsoft Edge 130", "macOS 15 Sequoia", "Windows 11").

The one mapping from TestingBot's capability values (browserName "microsoftedge", platform "SEQUOIA",
"WIN10") to display names: the tests table, the test details and the filters all go through it. An
unknown value is shown as sent (it may be a platform TestingBot added since), never dropped.
"""

from __future__ import annotations

BROWSERS = {
    "chrome": "Chrome",
    "googlechrome": "Chrome",
    "firefox": "Firefox",
    "safari": "Safari",
    "microsoftedge": "Microsoft Edge",
    "edge": "Microsoft Edge",
    "msedge": "Microsoft Edge",
    "internet explorer": "Internet Explorer",
    "iexplore": "Internet Explorer",
    "ie": "Internet Explorer",
    "opera": "Opera",
    "brave": "Brave",
}

PLATFORMS = {
    "WIN11": "Windows 11",
    "WIN10": "Windows 10",
    "WIN8_1": "Windows 8.1",
    "WIN8": "Windows 8",
    "WIN7": "Windows 7",
    "XP": "Windows XP",
    "WINDOWS": "Windows",
    "TAHOE": "macOS 26 Tahoe",
    "SEQUOIA": "macOS 15 Sequoia",
    "SONOMA": "macOS 14 Sonoma",
    "VENTURA": "macOS 13 Ventura",
    "MONTEREY": "macOS 12 Monterey",
    "BIGSUR": "macOS 11 Big Sur",
    "CATALINA": "macOS 10.15 Catalina",
    "MOJAVE": "macOS 10.14 Mojave",
    "HIGH-SIERRA": "macOS 10.13 High Sierra",
    "SIERRA": "macOS 10.12 Sierra",
    "EL_CAPITAN": "OS X 10.11 El Capitan",
    "MAC": "macOS",
    "LINUX": "Linux",
    "UBUNTU": "Ubuntu",
    "ANDROID": "Android",
    "IOS": "iOS",
}


def browser_name(browser: str, version: str = "") -> str:
    """ "microsoftedge", "130" -> "Microsoft Edge 130"; an unknown name as sent."""
    name = BROWSERS.get(browser.strip().casefold(), browser.strip())
    return f"{name} {version.strip()}".strip()


def platform_name(platform: str) -> str:
    """ "SEQUOIA" -> "macOS 15 Sequoia", "WIN10" -> "Windows 10"; an unknown value as sent."""
    key = platform.strip().upper().replace(" ", "")
    return PLATFORMS.get(key, platform.strip())


def test_platform(os_value: str, platform: str = "", device: str = "") -> str:
    """A test's platform: the device and its OS on a real device ("iPhone 16 · iOS"), else the desktop OS."""
    if device:
        return f"{device} · {platform_name(platform)}" if platform else device
    return platform_name(os_value)


test_platform.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
