import path from 'node:path';

// SPA feature boundaries (docs/architecture.md, "Web app"): a feature folder under
// apps/web/src/features imports only its own files and the shared layers (components, lib,
// shared); what several features need lives in shared/ or components/. Only the app folder
// (router and shell) imports a feature, and only through its index. Resolved from the file's
// path, since relative specifiers ('../../servers/queries') cannot be matched by a pattern.
const WEB_SRC = `${path.sep}${path.join('apps', 'web', 'src')}${path.sep}`;
const webArea = (file) => {
  const at = file.lastIndexOf(WEB_SRC);
  if (at === -1) return null;
  const parts = file.slice(at + WEB_SRC.length).split(path.sep);
  return parts[0] === 'features' ? { area: 'features', feature: parts[1], rest: parts.slice(2) } : { area: parts[0] };
};
/** @type {import('eslint').Rule.RuleModule} */
export const featureBoundaries = {
  meta: {
    type: 'problem',
    messages: {
      otherFeature:
        "Feature '{{from}}' imports feature '{{to}}': move what both need to shared/ or components/, or let the router (src/app) compose them.",
      notFromApp: "Only src/app imports a feature ('{{to}}'); move what this needs to shared/ or components/.",
      deepImport: "Import feature '{{to}}' through its index ('…/features/{{to}}'), not its files.",
    },
    schema: [],
  },
  create(context) {
    const from = webArea(context.filename);
    if (!from) return {};
    const check = (node) => {
      const spec = node?.source?.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const to = webArea(path.resolve(path.dirname(context.filename), spec));
      if (!to || to.area !== 'features') return;
      const data = { from: from.feature, to: to.feature };
      if (from.area === 'features') {
        if (from.feature !== to.feature) context.report({ node: node.source, messageId: 'otherFeature', data });
      } else if (from.area !== 'app') {
        context.report({ node: node.source, messageId: 'notFromApp', data });
      } else if (to.rest.length > 0 && !(to.rest.length === 1 && /^index(\.tsx?)?$/.test(to.rest[0]))) {
        context.report({ node: node.source, messageId: 'deepImport', data });
      }
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};
