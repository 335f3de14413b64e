/**
 * Misspelt property names where the schema lets unknown properties through.
 *
 * Kraken ignores a field it does not know: a payload with `"custmers"` for `"customers"` imports an account without
 * its customers, and nothing answers 400. Where a schema closes an object (`additionalProperties: false`, most of the
 * bundled account's nested objects) ajv reports every unknown property (`unknown-property`, schemaFindings.ts). The
 * others are open: the bundled account's root and a few of its objects, whose field sets differ between markets, and
 * every object of a served contract, which declares no `additionalProperties`. There a property is reported only
 * when it is not declared and is close to one that is (suggest.ts `nearest`: a case or separator difference, or a
 * small edit distance), with the same code and words; a field the bundled schemas do not list is not a finding.
 *
 * Under a served contract, objects are read down to three levels (the account; its customers, supply addresses and
 * ledgers; their meter points and transactions), where a misspelt key drops the most; items of an array share one
 * schema view when nothing in it depends on the item's value (a discriminator or a condition), and otherwise items
 * of one kind share theirs (the same discriminator value and conditions: `SchemaNavigator.itemView`). Under the
 * bundled schemas only the root is read: a payload of another market (an Australian `mpxn` beside the listed
 * `mpid`) would otherwise be told to rename fields its own instance reads.
 */
import { nearest } from './suggest';
import type { SchemaNavigator, SchemaView } from './schemaNav';
import type { JsonPath, RawFinding } from './types';

/** How deep objects are read under a served contract (`SchemaSet.declaresEveryField`); 1 (the root) otherwise. */
const OBJECT_LEVELS = 3;

interface ObjectShape {
  /** Every property some schema of the view declares (undecided branches included). */
  declared: Set<string>;
  names: string[];
  /** Unknown properties are free here (closed: ajv reports them; a map: patternProperties or a schema for the rest). */
  skip: boolean;
  /** The view depends on the value (a discriminator or a condition): not shared between items. */
  byValue: boolean;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const shapes = new WeakMap<SchemaView, ObjectShape>();

function shapeOf(view: SchemaView): ObjectShape {
  let shape = shapes.get(view);
  if (shape) return shape;
  const declared = new Set<string>();
  let skip = false;
  let byValue = false;
  for (const { schema } of [...view.all, ...view.alternatives]) {
    if (isRecord(schema.properties)) for (const name of Object.keys(schema.properties)) declared.add(name);
    if (schema.additionalProperties === false || isRecord(schema.additionalProperties) || isRecord(schema.patternProperties)) skip = true;
    if (schema.discriminator !== undefined || schema.if !== undefined) byValue = true;
  }
  // An object no schema gives properties to is not described here (free-form, or `type: object` alone).
  if (!declared.size) skip = true;
  shape = { declared, names: [...declared], skip, byValue };
  shapes.set(view, shape);
  return shape;
}

/** Root views that do not depend on the value, per schema set and kind: made once, not per payload of a wave. */
const rootViews = new WeakMap<object, Map<string, SchemaView>>();

function rootView(nav: SchemaNavigator, root: unknown): SchemaView {
  const kept = rootViews.get(nav.schemas)?.get(nav.kind);
  if (kept) return kept;
  const view = nav.root(root);
  if (!shapeOf(view).byValue) {
    let byKind = rootViews.get(nav.schemas);
    if (!byKind) rootViews.set(nav.schemas, (byKind = new Map()));
    byKind.set(nav.kind, view);
  }
  return view;
}

export function nearMissFindings(root: unknown, nav: SchemaNavigator): RawFinding[] {
  const out: RawFinding[] = [];
  const levels = nav.schemas.declaresEveryField ? OBJECT_LEVELS : 1;
  const visit = (value: unknown, view: SchemaView, path: JsonPath, level: number): void => {
    if (Array.isArray(value)) {
      // Its items are at the level the array was given. Items of one kind share a view (itemViews): all of them
      // where nothing in the item schema depends on the value.
      const views = nav.itemViews(view);
      for (let i = 0; i < value.length; i++) {
        const item = value[i];
        if (item === null || typeof item !== 'object') continue;
        const itemView = views ? nav.itemView(view, i, item, views) : nav.item(view, i, item);
        if (!itemView) return;
        visit(item, itemView, [...path, i], level);
      }
      return;
    }
    if (!isRecord(value)) return;
    const shape = shapeOf(view);
    for (const key of Object.keys(value)) {
      if (shape.declared.has(key)) {
        const child = value[key];
        if (level < levels && child !== null && typeof child === 'object') {
          const childView = nav.property(view, key, child);
          if (childView) visit(child, childView, [...path, key], level + 1);
        }
        continue;
      }
      if (shape.skip) continue;
      const suggestion = nearest(key, shape.names);
      if (suggestion === undefined) continue;
      out.push({
        code: 'unknown-property',
        severity: 'warning',
        message: `Unknown property "${key}": Kraken ignores fields it does not know, so this value will not be imported. Did you mean "${suggestion}"?`,
        path: [...path, key],
        target: 'key',
        tags: ['unnecessary'],
        data: { property: key, suggestion },
      });
    }
  };
  visit(root, rootView(nav, root), [], 1);
  return out;
}
