//! How `#[mini_api]` tells the registry what a handler's types look like to the mini program.
//!
//! Every handler's expansion holds a `describe` function that names its data type, its success
//! type, its error type and whether it sends progress, through the probes below. The generated
//! code is the same whatever the features: without `typed-client` every probe does nothing and
//! the entry keeps no pointer to the function, so a host that does not generate types pays
//! nothing for them; with it, the probes describe each type that implements
//! `schemars::JsonSchema` and record the name of each type that does not.
//!
//! The probes pick their behaviour by autoref specialization: a method of a trait implemented for
//! `Probe<T>` when `T` qualifies wins over the method of a fallback trait implemented for every
//! `&Probe<T>`, because method lookup tries the receiver as it is before it borrows it again.
//! That works on the concrete types of the expansion, never in generic code.

use std::convert::Infallible;
use std::future::Future;
use std::marker::PhantomData;

use crate::error::ApiError;
use crate::handler::{ResultKind, ResultTag, ValueTag};

/// The describing function of one handler, as its registry entry keeps it: a pointer with
/// `typed-client`, nothing without.
#[derive(Clone, Copy)]
pub struct DescribeFn(#[cfg(feature = "typed-client")] pub(crate) fn(&mut Describer<'_>));

impl DescribeFn {
    /// Keeps `describe` when the registry can describe types, and drops it otherwise.
    pub const fn new(describe: fn(&mut Describer<'_>)) -> Self {
        #[cfg(feature = "typed-client")]
        {
            DescribeFn(describe)
        }
        #[cfg(not(feature = "typed-client"))]
        {
            let _ = describe;
            DescribeFn()
        }
    }
}

/// The schema generators a handler's `describe` function writes to.
#[cfg(feature = "typed-client")]
pub(crate) struct Generators {
    /// Describes types as serde deserializes them: the data parameters.
    pub(crate) data: schemars::SchemaGenerator,
    /// Describes types as serde serializes them: the results.
    pub(crate) result: schemars::SchemaGenerator,
}

/// What a handler's `describe` function fills in.
#[cfg(feature = "typed-client")]
pub struct Describer<'a> {
    pub(crate) generators: &'a mut Generators,
    pub(crate) types: HandlerTypes,
}

/// What a handler's `describe` function fills in: nothing, without `typed-client`.
#[cfg(not(feature = "typed-client"))]
pub struct Describer<'a>(PhantomData<&'a mut ()>);

/// One handler's types as the mini program sees them.
#[cfg(feature = "typed-client")]
#[derive(Debug, Default)]
pub(crate) struct HandlerTypes {
    /// The data parameter; `None` when the handler takes none.
    pub(crate) data: Option<Described>,
    /// Whether a call may leave `data` out (or send `null`): the data type accepts what the
    /// handler sees then.
    pub(crate) data_optional: bool,
    /// The success value, before `errMsg` is added.
    pub(crate) result: Option<Described>,
    /// Whether the handler's own error can carry an `errCode` or mean cancel.
    pub(crate) fails_with_api_error: bool,
    /// Whether a context parameter of the user's own (`#[context]`) may refuse the call with
    /// an [`ApiError`], which can carry a code or mean cancel.
    pub(crate) custom_context: bool,
    /// Whether the handler takes a `Progress` parameter.
    pub(crate) progress: bool,
    /// The payload of its `Progress<T>`; `None` for any JSON value (`Progress`).
    pub(crate) progress_payload: Option<Described>,
    /// The fail body the handler declares (`fail_body = T`).
    pub(crate) fail_body: Option<Described>,
    /// How to ask the data type what it reads, beside its schema.
    pub(crate) data_probe: Option<DataProbe>,
}

/// The data type itself, asked what it reads: whether it reads a JSON text, and the field
/// names serde takes for it (aliases included), for what its schema cannot say.
#[cfg(feature = "typed-client")]
#[derive(Debug, Clone, Copy)]
pub(crate) struct DataProbe {
    pub(crate) accepts: super::fields::Accepts,
    pub(crate) fields: Option<&'static [&'static str]>,
}

/// A type as a probe found it.
#[cfg(feature = "typed-client")]
#[derive(Debug)]
pub(crate) enum Described {
    /// Its schema: a `$ref` into the generator's definitions, or an inline schema.
    Schema(serde_json::Value),
    /// A type that does not implement `schemars::JsonSchema`: its Rust name.
    Undescribed(&'static str),
}

impl Describer<'_> {
    /// The handler takes no data parameter: the call's `data` may be anything, or nothing.
    pub fn no_data(&mut self) {
        #[cfg(feature = "typed-client")]
        {
            self.types.data = None;
            self.types.data_optional = true;
        }
    }

    /// The handler takes a `Progress` parameter.
    pub fn progress(&mut self) {
        #[cfg(feature = "typed-client")]
        {
            self.types.progress = true;
        }
    }

    /// The handler takes a context parameter of the user's own, whose refusal is an
    /// [`ApiError`].
    pub fn custom_context(&mut self) {
        #[cfg(feature = "typed-client")]
        {
            self.types.custom_context = true;
        }
    }
}

/// Stands for a type `T` in a handler's `describe` function.
pub struct TypeProbe<T>(PhantomData<fn() -> T>);

impl<T> TypeProbe<T> {
    /// The probe of `T`.
    pub const fn new() -> Self {
        TypeProbe(PhantomData)
    }
}

impl<T> Default for TypeProbe<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// Describes a data type that implements `JsonSchema` (the preferred method).
pub trait DescribeData {
    /// Records the data type's schema.
    fn __tcmpp_data(&self, describer: &mut Describer<'_>);
}

/// Describes the payload of a `Progress<T>` whose `T` implements `JsonSchema`, or of a
/// `Progress` (any JSON value) (the preferred method).
pub trait DescribeProgress {
    /// Records that the handler sends progress, and the payload's schema.
    fn __tcmpp_progress(&self, describer: &mut Describer<'_>);
}

/// Describes a declared fail body type that implements `JsonSchema` (the preferred method).
pub trait DescribeFailBody {
    /// Records the fail body's schema.
    fn __tcmpp_fail_body(&self, describer: &mut Describer<'_>);
}

/// Describes a success type that implements `JsonSchema` (the preferred method).
pub trait DescribeResult {
    /// Records the success type's schema.
    fn __tcmpp_result(&self, describer: &mut Describer<'_>);
}

/// Records a type that does not implement `JsonSchema` (the fallback), or nothing without
/// `typed-client`.
pub trait Undescribed {
    /// Records the data type as undescribed.
    fn __tcmpp_data(&self, describer: &mut Describer<'_>);
    /// Records the success type as undescribed.
    fn __tcmpp_result(&self, describer: &mut Describer<'_>);
    /// Records that the handler sends progress, of an undescribed payload type.
    fn __tcmpp_progress(&self, describer: &mut Describer<'_>);
    /// Records the declared fail body type as undescribed.
    fn __tcmpp_fail_body(&self, describer: &mut Describer<'_>);
}

#[cfg(feature = "typed-client")]
impl<T: schemars::JsonSchema + serde::de::DeserializeOwned> DescribeData for TypeProbe<T> {
    fn __tcmpp_data(&self, describer: &mut Describer<'_>) {
        let schema = describer.generators.data.subschema_for::<T>();
        describer.types.data = Some(Described::Schema(schema.to_value()));
        describer.types.data_probe = Some(DataProbe {
            accepts: super::fields::accepts::<T>,
            fields: super::fields::field_names::<T>(),
        });
        // Exactly what the handler would see for a call without data.
        describer.types.data_optional = crate::data::DataSource::Absent.decode::<T>().is_ok();
    }
}

#[cfg(feature = "typed-client")]
impl<T: schemars::JsonSchema> DescribeProgress for TypeProbe<crate::progress::Progress<T>> {
    fn __tcmpp_progress(&self, describer: &mut Describer<'_>) {
        // A payload is serialized, as a result is.
        let schema = describer.generators.result.subschema_for::<T>();
        describer.types.progress = true;
        describer.types.progress_payload = Some(Described::Schema(schema.to_value()));
    }
}

#[cfg(feature = "typed-client")]
impl DescribeProgress for TypeProbe<crate::progress::Progress> {
    fn __tcmpp_progress(&self, describer: &mut Describer<'_>) {
        describer.types.progress = true;
        describer.types.progress_payload = None;
    }
}

#[cfg(feature = "typed-client")]
impl<T: schemars::JsonSchema> DescribeFailBody for TypeProbe<T> {
    fn __tcmpp_fail_body(&self, describer: &mut Describer<'_>) {
        let schema = describer.generators.result.subschema_for::<T>();
        describer.types.fail_body = Some(Described::Schema(schema.to_value()));
    }
}

#[cfg(feature = "typed-client")]
impl<T: schemars::JsonSchema> DescribeResult for TypeProbe<T> {
    fn __tcmpp_result(&self, describer: &mut Describer<'_>) {
        let schema = describer.generators.result.subschema_for::<T>();
        describer.types.result = Some(Described::Schema(schema.to_value()));
    }
}

impl<T> Undescribed for &TypeProbe<T> {
    fn __tcmpp_data(&self, describer: &mut Describer<'_>) {
        #[cfg(feature = "typed-client")]
        {
            describer.types.data = Some(Described::Undescribed(std::any::type_name::<T>()));
        }
        let _ = describer;
    }

    fn __tcmpp_result(&self, describer: &mut Describer<'_>) {
        #[cfg(feature = "typed-client")]
        {
            describer.types.result = Some(Described::Undescribed(std::any::type_name::<T>()));
        }
        let _ = describer;
    }

    fn __tcmpp_progress(&self, describer: &mut Describer<'_>) {
        #[cfg(feature = "typed-client")]
        {
            describer.types.progress = true;
            describer.types.progress_payload =
                Some(Described::Undescribed(std::any::type_name::<T>()));
        }
        let _ = describer;
    }

    fn __tcmpp_fail_body(&self, describer: &mut Describer<'_>) {
        #[cfg(feature = "typed-client")]
        {
            describer.types.fail_body = Some(Described::Undescribed(std::any::type_name::<T>()));
        }
        let _ = describer;
    }
}

/// Stands for a handler's error type `E` (`Infallible` for a handler that returns no `Result`).
pub struct ErrorProbe<E>(PhantomData<fn() -> E>);

/// Describes the errors that say more than a message: [`ApiError`], which may carry a code or
/// mean cancel, and `Infallible`, which never happens (the preferred method).
pub trait KnownError {
    /// Records what the error can say.
    fn __tcmpp_error(&self, describer: &mut Describer<'_>);
}

/// Describes every other error: a message only (the fallback).
pub trait MessageError {
    /// Records what the error can say.
    fn __tcmpp_error(&self, describer: &mut Describer<'_>);
}

impl KnownError for ErrorProbe<ApiError> {
    fn __tcmpp_error(&self, describer: &mut Describer<'_>) {
        #[cfg(feature = "typed-client")]
        {
            describer.types.fails_with_api_error = true;
        }
        let _ = describer;
    }
}

impl KnownError for ErrorProbe<Infallible> {
    fn __tcmpp_error(&self, describer: &mut Describer<'_>) {
        let _ = describer;
    }
}

impl<E> MessageError for &ErrorProbe<E> {
    fn __tcmpp_error(&self, describer: &mut Describer<'_>) {
        let _ = describer;
    }
}

/// Stands for what a handler returns (for an `async fn`, what its future gives), named from a
/// call of the function so that an alias of `Result` or an `impl Trait` is seen through.
pub struct ReturnProbe<R>(PhantomData<fn() -> R>);

impl<R> ReturnProbe<R> {
    /// The probe of what `call` returns: a plain `fn` handler's reply. `call` never runs.
    pub fn of(call: impl FnOnce() -> R) -> Self {
        let _ = call;
        ReturnProbe(PhantomData)
    }

    /// The probe of what the future `call` returns gives: an `async fn` handler's reply.
    /// `call` never runs.
    pub fn of_future<F: Future<Output = R>>(call: impl FnOnce() -> F) -> Self {
        let _ = call;
        ReturnProbe(PhantomData)
    }
}

/// A value of any type, for a call that is written but never run: [`ReturnProbe::of`] reads
/// its type only.
pub fn absent<T>() -> T {
    unreachable!("`absent` is only called in closures that never run")
}

impl<T, E> ResultKind for ReturnProbe<Result<T, E>> {}

impl ResultTag {
    /// The success and error types of a handler that returns `Result<T, E>`.
    pub fn probes<T, E>(self, _: ReturnProbe<Result<T, E>>) -> (TypeProbe<T>, ErrorProbe<E>) {
        (TypeProbe::new(), ErrorProbe(PhantomData))
    }
}

impl ValueTag {
    /// The success type of a handler that returns a plain value, which never fails itself.
    pub fn probes<T>(self, _: ReturnProbe<T>) -> (TypeProbe<T>, ErrorProbe<Infallible>) {
        (TypeProbe::new(), ErrorProbe(PhantomData))
    }
}

/// A type whose description the mini program's declarations can include.
///
/// With the `typed-client-strict` feature of tcmpp-core, every handler's data and success types
/// must implement [`schemars::JsonSchema`], and `#[mini_api]` checks it at the handler: a type
/// that cannot be described is a compile error there. Without it (with or without
/// `typed-client`), every type qualifies; `typed-client` alone reports a type that cannot be
/// described when the declarations are generated
/// ([`Registry::client_types`](crate::Registry::client_types)).
#[cfg(feature = "typed-client-strict")]
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be described to the mini program",
    label = "does not implement `schemars::JsonSchema`",
    note = "with the `typed-client-strict` feature of tcmpp-core, every handler's data, reply, progress payload and fail body types are described in the generated TypeScript declarations and JSON Schema: add `#[derive(schemars::JsonSchema)]` beside its serde derives"
)]
pub trait DescribedType: schemars::JsonSchema {}

#[cfg(feature = "typed-client-strict")]
impl<T: schemars::JsonSchema + ?Sized> DescribedType for T {}

/// A type whose description the mini program's declarations can include.
///
/// With the `typed-client-strict` feature of tcmpp-core, every handler's data and success types
/// must implement `schemars::JsonSchema`, and `#[mini_api]` checks it at the handler: a type
/// that cannot be described is a compile error there. Without it (as now), every type
/// qualifies.
#[cfg(not(feature = "typed-client-strict"))]
pub trait DescribedType {}

#[cfg(not(feature = "typed-client-strict"))]
impl<T: ?Sized> DescribedType for T {}
