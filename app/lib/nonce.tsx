import { createContext, useContext } from "react";

/** The per-request CSP nonce, provided by entry.server.tsx for Remix's inline scripts. */
export const NonceContext = createContext<string | undefined>(undefined);
export const NonceProvider = NonceContext.Provider;
export const useNonce = () => useContext(NonceContext);
