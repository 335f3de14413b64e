/** A wave of sends: its journal, how its records read as one run, where its errors sit, report and reconciliation. */
export * from './journal';
export * from './run';
export * from './place';
export * from './reportHtml';
export * from './reconcile';
export * from './items';
