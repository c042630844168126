import type { Octokit } from './octokit.js';
import type { RecentComment } from './recent-comments.js';

/**
 * The body of an edited comment as its author first wrote it. REST gives a comment only as it
 * is now, and anyone with write access can edit anyone's comment (keeping its author and
 * time), so the recovery pass cannot take an edited comment's commands at their word; but
 * skipping every edited comment let one member erase another's genuine `/출석` by adding a
 * space to it (the ninth attack review). GitHub keeps every version of a comment: GraphQL's
 * `userContentEdits`, each node holding the whole body of that version (`diff`, despite the
 * name), with the creation among them when `includesCreatedEdit` is true.
 *
 * Only a version that is certainly the creation counts: written by the comment's author, at
 * the comment's own time, not deleted from the history. Anything less (the creation version
 * deleted, GitHub Enterprise without the field, a GraphQL error) gives nothing, and the
 * caller treats the comment as before: not read. The order GitHub lists edits in is not
 * documented, so both ends of the list are asked for and the older kept.
 */
export const ORIGINAL_BODIES_QUERY = `query($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on Comment {
      includesCreatedEdit
      createdAt
      author { login }
      first: userContentEdits(first: 1) { nodes { editedAt deletedAt diff editor { login } } }
      last: userContentEdits(last: 1) { nodes { editedAt deletedAt diff editor { login } } }
    }
  }
}`;

/** GraphQL's `nodes` takes at most 100 ids. */
const IDS_PER_QUERY = 100;
/** A pass reads at most this many edited comments' first versions (3 queries). */
export const MAX_ORIGINAL_LOOKUPS = 300;
/** The creation version's time against the comment's `created_at`. */
const CREATION_SKEW_MS = 60_000;

interface EditNode {
  editedAt: string;
  deletedAt: string | null;
  diff: string | null;
  editor: { login: string } | null;
}
export interface CommentVersionsNode {
  includesCreatedEdit: boolean;
  createdAt: string;
  author: { login: string } | null;
  first: { nodes: (EditNode | null)[] | null };
  last: { nodes: (EditNode | null)[] | null };
}

/** Pure: the creation version's body when the node proves it, else null. */
export function creationBody(node: CommentVersionsNode | null | undefined, comment: Pick<RecentComment, 'login' | 'createdAt'>): string | null {
  if (!node?.includesCreatedEdit || node.author?.login !== comment.login) return null;
  const ends = [...(node.first?.nodes ?? []), ...(node.last?.nodes ?? [])].filter((n): n is EditNode => !!n && Number.isFinite(Date.parse(n.editedAt)));
  if (ends.length === 0) return null;
  const oldest = ends.reduce((a, b) => (Date.parse(b.editedAt) < Date.parse(a.editedAt) ? b : a));
  if (oldest.deletedAt !== null || typeof oldest.diff !== 'string') return null;
  if (oldest.editor?.login !== comment.login) return null;
  if (Math.abs(Date.parse(oldest.editedAt) - comment.createdAt) > CREATION_SKEW_MS) return null;
  return oldest.diff;
}

/**
 * The first versions of the edited comments among `comments` (comment id → body), for those
 * whose first version GitHub proves. Never throws: a failed query leaves its comments out.
 */
export async function originalBodies(octokit: Octokit, comments: readonly RecentComment[]): Promise<Map<number, string>> {
  const edited = comments.filter((c) => c.updatedAt > c.createdAt && c.nodeId).slice(0, MAX_ORIGINAL_LOOKUPS);
  const bodies = new Map<number, string>();
  for (let i = 0; i < edited.length; i += IDS_PER_QUERY) {
    const batch = edited.slice(i, i + IDS_PER_QUERY);
    const nodes = await octokit
      .graphql<{ nodes: (CommentVersionsNode | null)[] }>(ORIGINAL_BODIES_QUERY, { ids: batch.map((c) => c.nodeId!) })
      .then((data) => data.nodes)
      // A node GitHub cannot resolve (a comment deleted meanwhile) is an error beside the
      // others' data (@octokit/graphql's GraphqlResponseError keeps it); anything else gives none.
      .catch((error: unknown) => (error as { data?: { nodes?: (CommentVersionsNode | null)[] } }).data?.nodes ?? []);
    batch.forEach((comment, k) => {
      const body = creationBody(Array.isArray(nodes) ? nodes[k] : null, comment);
      if (body !== null) bodies.set(comment.id, body);
    });
  }
  return bodies;
}
