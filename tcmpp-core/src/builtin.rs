//! The names of the base library's built-in `wx` APIs, which a custom API should not take.
//!
//! The SDK exposes every API of `tcmpp-custom-config.json` as `wx.<name>(…)`, so a custom API
//! named like a built-in one (`requestPayment`, `openSetting`) replaces it, or is replaced by
//! it, for every mini program of the host. Sometimes on purpose: Android's
//! `@JsEvent("getAppBaseInfo")` overrides one, as `#[mini_api("name", overrides_builtin)]`
//! says. The registry warns about the others when it is built.

use std::cmp::Ordering;

/// Every member of the `wx` object of the mini program base library, sorted.
///
/// Source: the members (methods and properties) of the `WechatMiniprogram.Wx` interface in
/// `types/wx/lib.wx.api.d.ts` of `miniprogram-api-typings` 5.2.1 (github.com/wechat-miniprogram/
/// api-typings, the typings of WeChat's base library, whose `wx` TCMPP's runtime provides), plus
/// TCMPP's own `invokeNativePlugin`. To update: list the interface's members again, keep the
/// list sorted (a test checks it), and name the version here.
pub(crate) const BUILTIN_WX_APIS: &[&str] = &[
    "addCard",
    "addFileToFavorites",
    "addPaymentPassFinish",
    "addPaymentPassGetCertificateData",
    "addPhoneCalendar",
    "addPhoneContact",
    "addPhoneRepeatCalendar",
    "addVideoToFavorites",
    "arrayBufferToBase64",
    "authPrivateMessage",
    "authorize",
    "authorizeForMiniProgram",
    "base64ToArrayBuffer",
    "batchGetStorage",
    "batchGetStorageSync",
    "batchSetStorage",
    "batchSetStorageSync",
    "bindEmployeeRelation",
    "canAddSecureElementPass",
    "canIUse",
    "cancelIdleCallback",
    "canvasGetImageData",
    "canvasPutImageData",
    "canvasToTempFilePath",
    "checkDeviceSupportHevc",
    "checkEmployeeRelation",
    "checkIsAddedToMyMiniProgram",
    "checkIsOpenAccessibility",
    "checkIsPictureInPictureActive",
    "checkIsSoterEnrolledInDevice",
    "checkIsSupportFacialRecognition",
    "checkIsSupportSoterAuthentication",
    "checkSession",
    "chooseAddress",
    "chooseContact",
    "chooseImage",
    "chooseInvoice",
    "chooseInvoiceTitle",
    "chooseLicensePlate",
    "chooseLocation",
    "chooseMedia",
    "chooseMessageFile",
    "choosePoi",
    "chooseVideo",
    "clearStorage",
    "clearStorageSync",
    "closeBLEConnection",
    "closeBluetoothAdapter",
    "closeSocket",
    "cloud",
    "compressImage",
    "compressVideo",
    "connectSocket",
    "connectWifi",
    "createAnimation",
    "createAudioContext",
    "createBLEConnection",
    "createBLEPeripheralServer",
    "createBufferURL",
    "createCacheManager",
    "createCameraContext",
    "createCanvasContext",
    "createGlobalPayment",
    "createInferenceSession",
    "createInnerAudioContext",
    "createIntersectionObserver",
    "createInterstitialAd",
    "createLivePlayerContext",
    "createLivePusherContext",
    "createMapContext",
    "createMediaAudioPlayer",
    "createMediaContainer",
    "createMediaRecorder",
    "createOffscreenCanvas",
    "createRewardedVideoAd",
    "createSelectorQuery",
    "createTCPSocket",
    "createUDPSocket",
    "createVKSession",
    "createVideoContext",
    "createVideoDecoder",
    "createWebAudioContext",
    "createWorker",
    "cropImage",
    "disableAlertBeforeUnload",
    "downloadFile",
    "editImage",
    "enableAlertBeforeUnload",
    "enterChatToolMode",
    "env",
    "exitMiniProgram",
    "exitVoIPChat",
    "faceDetect",
    "getAccountInfoSync",
    "getApiCategory",
    "getAppAuthorizeSetting",
    "getAppBaseInfo",
    "getAvailableAudioSources",
    "getBLEDeviceCharacteristics",
    "getBLEDeviceRSSI",
    "getBLEDeviceServices",
    "getBLEMTU",
    "getBackgroundAudioManager",
    "getBackgroundAudioPlayerState",
    "getBackgroundFetchData",
    "getBackgroundFetchToken",
    "getBatteryInfo",
    "getBatteryInfoSync",
    "getBeacons",
    "getBluetoothAdapterState",
    "getBluetoothDevices",
    "getChannelsLiveInfo",
    "getChannelsLiveNoticeInfo",
    "getChannelsShareKey",
    "getChatToolInfo",
    "getClipboardData",
    "getCommonConfig",
    "getConnectedBluetoothDevices",
    "getConnectedWifi",
    "getDeviceBenchmarkInfo",
    "getDeviceInfo",
    "getDeviceVoIPList",
    "getEnterOptionsSync",
    "getExptInfoSync",
    "getExtConfig",
    "getExtConfigSync",
    "getFileSystemManager",
    "getFuzzyLocation",
    "getGroupEnterInfo",
    "getHCEState",
    "getImageInfo",
    "getInferenceEnvInfo",
    "getLaunchOptionsSync",
    "getLocalIPAddress",
    "getLocation",
    "getLogManager",
    "getMenuButtonBoundingClientRect",
    "getNFCAdapter",
    "getNetworkType",
    "getPerformance",
    "getPrivacySetting",
    "getRandomValues",
    "getRealtimeLogManager",
    "getRecorderManager",
    "getRendererUserAgent",
    "getScreenBrightness",
    "getScreenRecordingState",
    "getSecureElementPasses",
    "getSelectedTextRange",
    "getSetting",
    "getShareInfo",
    "getShowSplashAdStatus",
    "getSkylineInfo",
    "getSkylineInfoSync",
    "getStorage",
    "getStorageInfo",
    "getStorageInfoSync",
    "getStorageSync",
    "getSystemInfo",
    "getSystemInfoAsync",
    "getSystemInfoSync",
    "getSystemSetting",
    "getUpdateManager",
    "getUserCryptoManager",
    "getUserInfo",
    "getUserProfile",
    "getVideoInfo",
    "getWeRunData",
    "getWifiList",
    "getWindowInfo",
    "getXrFrameSystem",
    "hideHomeButton",
    "hideKeyboard",
    "hideLoading",
    "hideNavigationBarLoading",
    "hideShareMenu",
    "hideTabBar",
    "hideTabBarRedDot",
    "hideToast",
    "initFaceDetect",
    "invokeNativePlugin",
    "isBluetoothDevicePaired",
    "isVKSupport",
    "join1v1Chat",
    "joinVoIPChat",
    "loadBuiltInFontFace",
    "loadFontFace",
    "login",
    "makeBluetoothPair",
    "makePhoneCall",
    "navigateBack",
    "navigateBackMiniProgram",
    "navigateTo",
    "navigateToMiniProgram",
    "nextTick",
    "notifyBLECharacteristicValueChange",
    "notifyGroupMembers",
    "offAccelerometerChange",
    "offAfterPageLoad",
    "offAfterPageUnload",
    "offApiCategoryChange",
    "offAppHide",
    "offAppRoute",
    "offAppRouteDone",
    "offAppShow",
    "offAudioInterruptionBegin",
    "offAudioInterruptionEnd",
    "offBLECharacteristicValueChange",
    "offBLEConnectionStateChange",
    "offBLEMTUChange",
    "offBLEPeripheralConnectionStateChanged",
    "offBatteryInfoChange",
    "offBeaconServiceChange",
    "offBeaconUpdate",
    "offBeforeAppRoute",
    "offBeforePageLoad",
    "offBeforePageUnload",
    "offBluetoothAdapterStateChange",
    "offBluetoothDeviceFound",
    "offCompassChange",
    "offCopyUrl",
    "offDeviceMotionChange",
    "offEmbeddedMiniProgramHeightChange",
    "offError",
    "offGeneratePoster",
    "offGetWifiList",
    "offGyroscopeChange",
    "offHCEMessage",
    "offKeyDown",
    "offKeyUp",
    "offKeyboardHeightChange",
    "offLazyLoadError",
    "offLocalServiceDiscoveryStop",
    "offLocalServiceFound",
    "offLocalServiceLost",
    "offLocalServiceResolveFail",
    "offLocationChange",
    "offLocationChangeError",
    "offMemoryWarning",
    "offMenuButtonBoundingClientRectWeightChange",
    "offNetworkStatusChange",
    "offNetworkWeakChange",
    "offPageNotFound",
    "offParallelStateChange",
    "offScreenRecordingStateChanged",
    "offThemeChange",
    "offUnhandledRejection",
    "offUserCaptureScreen",
    "offUserOffTranslation",
    "offUserTriggerTranslation",
    "offVoIPChatInterrupted",
    "offVoIPChatMembersChanged",
    "offVoIPChatSpeakersChanged",
    "offVoIPChatStateChanged",
    "offVoIPVideoMembersChanged",
    "offWifiConnected",
    "offWifiConnectedWithPartialInfo",
    "offWindowResize",
    "offWindowStateChange",
    "onAccelerometerChange",
    "onAfterPageLoad",
    "onAfterPageUnload",
    "onApiCategoryChange",
    "onAppHide",
    "onAppRoute",
    "onAppRouteDone",
    "onAppShow",
    "onAudioInterruptionBegin",
    "onAudioInterruptionEnd",
    "onBLECharacteristicValueChange",
    "onBLEConnectionStateChange",
    "onBLEMTUChange",
    "onBLEPeripheralConnectionStateChanged",
    "onBackgroundAudioPause",
    "onBackgroundAudioPlay",
    "onBackgroundAudioStop",
    "onBackgroundFetchData",
    "onBatteryInfoChange",
    "onBeaconServiceChange",
    "onBeaconUpdate",
    "onBeforeAppRoute",
    "onBeforePageLoad",
    "onBeforePageUnload",
    "onBluetoothAdapterStateChange",
    "onBluetoothDeviceFound",
    "onCompassChange",
    "onCopyUrl",
    "onDeviceMotionChange",
    "onEmbeddedMiniProgramHeightChange",
    "onError",
    "onGeneratePoster",
    "onGetWifiList",
    "onGyroscopeChange",
    "onHCEMessage",
    "onKeyDown",
    "onKeyUp",
    "onKeyboardHeightChange",
    "onLazyLoadError",
    "onLocalServiceDiscoveryStop",
    "onLocalServiceFound",
    "onLocalServiceLost",
    "onLocalServiceResolveFail",
    "onLocationChange",
    "onLocationChangeError",
    "onMemoryWarning",
    "onMenuButtonBoundingClientRectWeightChange",
    "onNeedPrivacyAuthorization",
    "onNetworkStatusChange",
    "onNetworkWeakChange",
    "onPageNotFound",
    "onParallelStateChange",
    "onScreenRecordingStateChanged",
    "onSocketClose",
    "onSocketError",
    "onSocketMessage",
    "onSocketOpen",
    "onThemeChange",
    "onUnhandledRejection",
    "onUserCaptureScreen",
    "onUserOffTranslation",
    "onUserTriggerTranslation",
    "onVoIPChatInterrupted",
    "onVoIPChatMembersChanged",
    "onVoIPChatSpeakersChanged",
    "onVoIPChatStateChanged",
    "onVoIPVideoMembersChanged",
    "onWifiConnected",
    "onWifiConnectedWithPartialInfo",
    "onWindowResize",
    "onWindowStateChange",
    "openAppAuthorizeSetting",
    "openBluetoothAdapter",
    "openCard",
    "openChannelsActivity",
    "openChannelsEvent",
    "openChannelsLive",
    "openChannelsLiveNoticeInfo",
    "openChannelsUserProfile",
    "openChatTool",
    "openCustomerServiceChat",
    "openDocument",
    "openEmbeddedMiniProgram",
    "openHKOfflinePayView",
    "openInquiriesTopic",
    "openLocation",
    "openOfficialAccountArticle",
    "openOfficialAccountChat",
    "openOfficialAccountProfile",
    "openPrivacyContract",
    "openSetting",
    "openSingleStickerView",
    "openStickerIPView",
    "openStickerSetView",
    "openStoreCouponDetail",
    "openStoreOrderDetail",
    "openSystemBluetoothSetting",
    "openVideoEditor",
    "pageScrollTo",
    "pauseBackgroundAudio",
    "pauseVoice",
    "playBackgroundAudio",
    "playVoice",
    "pluginLogin",
    "postMessageToReferrerMiniProgram",
    "postMessageToReferrerPage",
    "preDownloadSubpackage",
    "preloadAssets",
    "preloadSkylineView",
    "preloadWebview",
    "previewImage",
    "previewMedia",
    "reLaunch",
    "readBLECharacteristicValue",
    "redirectTo",
    "removeSecureElementPass",
    "removeStorage",
    "removeStorageSync",
    "removeTabBarBadge",
    "reportAnalytics",
    "reportEvent",
    "reportMonitor",
    "reportPerformance",
    "request",
    "requestCommonPayment",
    "requestDeviceVoIP",
    "requestFacialVerify",
    "requestIdleCallback",
    "requestMerchantTransfer",
    "requestOrderPayment",
    "requestPayment",
    "requestPluginPayment",
    "requestSubscribeDeviceMessage",
    "requestSubscribeEmployeeMessage",
    "requestSubscribeMessage",
    "requestVirtualPayment",
    "requirePrivacyAuthorize",
    "reserveChannelsLive",
    "restartMiniProgram",
    "revokeBufferURL",
    "rewriteRoute",
    "router",
    "saveFileToDisk",
    "saveImageToPhotosAlbum",
    "saveVideoToPhotosAlbum",
    "scanCode",
    "seekBackgroundAudio",
    "selectGroupMembers",
    "sendHCEMessage",
    "sendSms",
    "sendSocketMessage",
    "setBLEMTU",
    "setBackgroundColor",
    "setBackgroundFetchToken",
    "setBackgroundTextStyle",
    "setClipboardData",
    "setEnable1v1Chat",
    "setEnableDebug",
    "setInnerAudioOption",
    "setKeepScreenOn",
    "setNavigationBarColor",
    "setNavigationBarTitle",
    "setScreenBrightness",
    "setStorage",
    "setStorageSync",
    "setTabBarBadge",
    "setTabBarItem",
    "setTabBarStyle",
    "setTopBarText",
    "setVisualEffectOnCapture",
    "setWifiList",
    "setWindowSize",
    "shareAppMessageToGroup",
    "shareEmojiToGroup",
    "shareFileMessage",
    "shareFileToGroup",
    "shareImageToGroup",
    "shareToOfficialAccount",
    "shareToWeRun",
    "shareVideoMessage",
    "shareVideoToGroup",
    "showActionSheet",
    "showLoading",
    "showModal",
    "showNavigationBarLoading",
    "showRedPackage",
    "showShareImageMenu",
    "showShareMenu",
    "showTabBar",
    "showTabBarRedDot",
    "showToast",
    "startAccelerometer",
    "startBeaconDiscovery",
    "startBluetoothDevicesDiscovery",
    "startCompass",
    "startDeviceMotionListening",
    "startGyroscope",
    "startHCE",
    "startLocalServiceDiscovery",
    "startLocationUpdate",
    "startLocationUpdateBackground",
    "startPullDownRefresh",
    "startRecord",
    "startSoterAuthentication",
    "startWifi",
    "stopAccelerometer",
    "stopBackgroundAudio",
    "stopBeaconDiscovery",
    "stopBluetoothDevicesDiscovery",
    "stopCompass",
    "stopDeviceMotionListening",
    "stopFaceDetect",
    "stopGyroscope",
    "stopHCE",
    "stopLocalServiceDiscovery",
    "stopLocationUpdate",
    "stopPullDownRefresh",
    "stopRecord",
    "stopVoice",
    "stopWifi",
    "subscribeVoIPVideoMembers",
    "switchTab",
    "updateShareMenu",
    "updateVoIPChatMuteConfig",
    "updateWeChatApp",
    "uploadFile",
    "vibrateLong",
    "vibrateShort",
    "worklet",
    "writeBLECharacteristicValue",
];

/// The table's names one after another: what a binary holds of it, with [`STARTS`]. The table
/// itself, a `&[&str]`, is read only at compile time: in a shared library it would cost a
/// pointer and a relocation per name, about 20 KB of a mobile build for 7 KB of names.
const JOINED: [u8; joined_len(BUILTIN_WX_APIS)] = join(BUILTIN_WX_APIS);

/// Where each name of [`JOINED`] starts, and, last, where the last one ends.
const STARTS: [u16; BUILTIN_WX_APIS.len() + 1] = starts(BUILTIN_WX_APIS);

const _: () = assert!(joined_len(BUILTIN_WX_APIS) <= u16::MAX as usize);

/// Whether `name` is a built-in `wx` API of the base library. A `const fn`, so that
/// `#[mini_api(.., overrides_builtin)]` on a name that overrides nothing is a compile error.
pub const fn is_builtin_wx_api(name: &str) -> bool {
    let (mut low, mut high) = (0, BUILTIN_WX_APIS.len());
    while low < high {
        let middle = low + (high - low) / 2;
        match compare(name_at(middle), name.as_bytes()) {
            Ordering::Less => low = middle + 1,
            Ordering::Greater => high = middle,
            Ordering::Equal => return true,
        }
    }
    false
}

/// The `index`th name of the table, from [`JOINED`].
const fn name_at(index: usize) -> &'static [u8] {
    let start = STARTS[index] as usize;
    let (_, rest) = JOINED.split_at(start);
    rest.split_at(STARTS[index + 1] as usize - start).0
}

/// The length of `names` one after another.
const fn joined_len(names: &[&str]) -> usize {
    let (mut len, mut index) = (0, 0);
    while index < names.len() {
        len += names[index].len();
        index += 1;
    }
    len
}

/// `names` one after another; `N` is their [`joined_len`].
const fn join<const N: usize>(names: &[&str]) -> [u8; N] {
    let mut joined = [0; N];
    let (mut at, mut index) = (0, 0);
    while index < names.len() {
        let name = names[index].as_bytes();
        let mut byte = 0;
        while byte < name.len() {
            joined[at] = name[byte];
            at += 1;
            byte += 1;
        }
        index += 1;
    }
    joined
}

/// Where each of `names` starts when they are joined, and where the last ends; `N` is one more
/// than their number. Fits `u16`: checked above.
const fn starts<const N: usize>(names: &[&str]) -> [u16; N] {
    let mut starts = [0; N];
    let (mut at, mut index) = (0, 0);
    while index < names.len() {
        starts[index] = at as u16;
        at += names[index].len();
        index += 1;
    }
    starts[index] = at as u16;
    starts
}

/// `str`'s order, byte by byte, in a `const fn`.
const fn compare(a: &[u8], b: &[u8]) -> Ordering {
    let mut index = 0;
    while index < a.len() && index < b.len() {
        if a[index] != b[index] {
            return if a[index] < b[index] {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        }
        index += 1;
    }
    if a.len() < b.len() {
        Ordering::Less
    } else if a.len() > b.len() {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

#[cfg(test)]
mod tests {
    use super::{BUILTIN_WX_APIS, is_builtin_wx_api, name_at};

    #[test]
    fn the_list_is_sorted_and_unique() {
        assert!(BUILTIN_WX_APIS.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn the_apis_the_issue_names_are_built_in() {
        for name in [
            "requestPayment",
            "openSetting",
            "getAppBaseInfo",
            "invokeNativePlugin",
        ] {
            assert!(is_builtin_wx_api(name), "{name}");
        }
        for name in ["myApiName", "luffaWebRequest", "requestpayment"] {
            assert!(!is_builtin_wx_api(name), "{name}");
        }
    }

    #[test]
    fn the_joined_table_holds_every_name_and_no_other() {
        for (index, name) in BUILTIN_WX_APIS.iter().enumerate() {
            assert_eq!(name_at(index), name.as_bytes());
            assert!(is_builtin_wx_api(name), "{name}");
            // Neighbours of a name in the joined bytes are not names.
            assert!(!is_builtin_wx_api(&name[1..]) || BUILTIN_WX_APIS.contains(&&name[1..]));
            assert!(!is_builtin_wx_api(&format!("{name}x")), "{name}x");
        }
        assert!(!is_builtin_wx_api(""));
        assert!(!is_builtin_wx_api("zzz"));
    }
}
