declare const __RESTORA_VERSION__: string;
