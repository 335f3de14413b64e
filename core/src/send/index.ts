/** The send decisions: environments, planning a request, the call, reading the answer, safety and responses. */
export * from './environments';
export * from './ids';
export * from './plan';
export * from './call';
export * from './outcome';
export * from './safety';
export * from './tracking';
export * from './responses';
export * from './inDoubt';
export * from './fidelity';
