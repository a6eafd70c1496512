// What the documentation tests read in Markdown: headings as GitHub anchors them, and links, outside code.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** The text with fenced code blocks blanked (line count kept), so code is neither a heading nor a link. */
export function withoutFences(markdown: string): string {
  let fence: string | undefined;
  return markdown
    .split('\n')
    .map((line) => {
      const opener = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
      if (fence === undefined && opener !== undefined) {
        fence = opener;
        return '';
      }
      if (fence !== undefined) {
        if (line.trim().startsWith(fence)) fence = undefined;
        return '';
      }
      return line;
    })
    .join('\n');
}

/**
 * GitHub's anchor for a heading: the rendered text (code spans, links and emphasis reduced to their text), lower
 * case, every character that is not a letter, mark, number, connector, space or hyphen dropped, spaces as hyphens.
 */
export function githubSlug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/(\*\*|__|\*)(.+?)\1/g, '$2')
    .trim();
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a page's headings; a repeated heading gets `-1`, `-2`, ... as on GitHub. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const match of withoutFences(markdown).matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const slug = githubSlug(match[1]!);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

export interface Link {
  readonly target: string;
  readonly line: number;
}

/** Inline links and images outside code (fenced blocks and code spans). */
export function links(markdown: string): Link[] {
  const lines = withoutFences(markdown)
    .split('\n')
    .map((line) => line.replace(/`[^`]*`/g, (span) => ' '.repeat(span.length)));
  return lines.flatMap((line, index) =>
    [...line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => ({
      target: match[1]!,
      line: index + 1,
    })),
  );
}

/** Why a link of `file` (inside `root`) is broken, or undefined when it resolves on GitHub. */
export function brokenLink(
  root: string,
  file: string,
  link: string,
  read = (path: string) => readFileSync(path, 'utf8'),
) {
  if (/^[a-z][a-z0-9+.-]*:/i.test(link)) return undefined; // https:, mailto:: not checked offline
  const [path, anchor] = link.split('#', 2) as [string, string | undefined];
  const target = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
  const inside = relative(root, target);
  if (inside.startsWith(`..${sep}`) || inside === '..') return `${link}: outside the repository`;
  if (!existsSync(target)) return `${link}: no such file`;
  if (anchor === undefined || anchor === '') return undefined;
  if (statSync(target).isDirectory() || !target.endsWith('.md'))
    return `${link}: an anchor into a file that is not Markdown`;
  return anchors(read(target)).has(anchor) ? undefined : `${link}: no heading with that anchor`;
}

/** README.md and every Markdown page under docs/. */
export function documentationFiles(root: string): string[] {
  const docs = join(root, 'docs');
  return [
    join(root, 'README.md'),
    ...readdirSync(docs)
      .filter((name) => name.endsWith('.md'))
      .sort()
      .map((name) => join(docs, name)),
  ];
}
