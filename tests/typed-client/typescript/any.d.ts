// The control: declarations that type everything as `any`, as projects write for themselves
// today. Checked against them, the mini program's `@ts-expect-error` lines are all unused, so
// the check fails: only declarations that catch each mistake pass it.
declare namespace Tcmpp {
  type ApiName = string;
  type DataArgs<N> = any[];
  type Success<N> = any;
  type Progress<N> = any;
  namespace Types {
    type Currency = any;
  }
}

declare namespace WechatMiniprogram {
  interface Wx {
    invokeNativePlugin(options: any): void;
    [name: string]: any;
  }
}
