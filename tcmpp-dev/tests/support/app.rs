//! A stand-in for an app's own handler crate, as a host would write it: handlers that need
//! state only a device has (the battery, behind a trait), and the app's `build_registry`, which
//! takes that state from whoever runs it. On the phone the host passes the platform's battery;
//! on the laptop the dev server passes a fake. The handlers do not change.

use std::sync::Arc;
use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use tcmpp_core::registry::RegistryBuilder;
use tcmpp_core::{AccessPolicy, ApiError, BuildError, Progress, Registry, State, mini_api};
// The shop's handlers join the registry too.
use tcmpp_examples as _;

/// What only a device can tell: on Android the host implements it over `BatteryManager`.
pub trait Battery: Send + Sync {
    /// Percent, 0 to 100.
    fn level(&self) -> u8;
}

/// The battery the dev server gives the handlers.
pub struct FakeBattery(pub u8);

impl Battery for FakeBattery {
    fn level(&self) -> u8 {
        self.0
    }
}

/// The app's registry: the device state it is given, the app's access policy (`wx_shop` may
/// sign with the wallet; nobody else may), and every handler linked in. `builder` is the
/// host's, with whatever else the host provides (layers, its own state).
pub fn build_registry(
    builder: RegistryBuilder,
    battery: Arc<dyn Battery>,
) -> Result<Registry, BuildError> {
    builder
        .state(battery)
        .access_policy(AccessPolicy::new().grant("wx_shop", ["wallet.signMessage"]))
        .build()
}

/// `batteryLevel`'s result.
#[derive(Serialize, JsonSchema)]
pub struct Level {
    /// Percent.
    pub percent: u8,
}

/// A handler that needs device state.
#[mini_api("batteryLevel")]
pub fn battery_level(battery: State<Arc<dyn Battery>>) -> Level {
    Level {
        percent: battery.level(),
    }
}

/// `confirmOrder`'s data.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Confirm {
    /// The order.
    pub order_id: u64,
    /// Whether the user confirms; `false` backs out (a cancel).
    pub confirm: bool,
}

/// `confirmOrder`'s result.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Confirmed {
    /// The order.
    pub order_id: u64,
}

/// A handler that can be cancelled: the user backs out.
#[mini_api("confirmOrder")]
pub async fn confirm_order(confirm: Confirm) -> Result<Confirmed, ApiError> {
    if confirm.confirm {
        Ok(Confirmed {
            order_id: confirm.order_id,
        })
    } else {
        Err(ApiError::cancelled())
    }
}

/// `countdown`'s data.
#[derive(Deserialize, JsonSchema)]
pub struct Countdown {
    /// Where to count down from, at most 20.
    pub from: u8,
    /// Milliseconds between ticks, at most 200.
    #[serde(default)]
    pub interval_ms: u16,
}

/// One `countdown` progress event.
#[derive(Serialize, JsonSchema)]
pub struct Tick {
    /// The number counted.
    pub left: u8,
}

/// `countdown`'s result.
#[derive(Serialize, JsonSchema)]
pub struct Done {
    /// How many ticks were sent.
    pub ticks: u8,
}

/// What `countdown`'s fail object carries beside `errMsg` and `errCode`: the limits.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Limits {
    /// The highest `from`.
    pub max_from: u8,
    /// The longest interval.
    pub max_interval_ms: u16,
}

/// A handler that sends progress events over time, before its reply, and fails with a code and
/// a body.
#[mini_api("countdown", fail_body = Limits)]
pub async fn countdown(countdown: Countdown, progress: Progress<Tick>) -> Result<Done, ApiError> {
    if countdown.from > 20 || countdown.interval_ms > 200 {
        return Err(ApiError::new("count from at most 20, at most 200 ms apart")
            .with_code(400)
            .with_body(Limits {
                max_from: 20,
                max_interval_ms: 200,
            }));
    }
    for left in (0..countdown.from).rev() {
        tokio::time::sleep(Duration::from_millis(u64::from(countdown.interval_ms))).await;
        let _ = progress.send(Tick { left });
    }
    Ok(Done {
        ticks: countdown.from,
    })
}
