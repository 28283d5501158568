// What the mini program runtime provides, as far as the checked sources use it.
declare const wx: WechatMiniprogram.Wx;
declare const console: { log(...values: unknown[]): void };
