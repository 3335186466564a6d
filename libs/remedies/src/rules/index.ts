// Pure legal rules of the remedies library: no database, no Nest.
export * from './lifecycle';
export * from './liability';
export * from './proportionality';
export * from './damage-model';
export * from './compensation';
