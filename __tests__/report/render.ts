/**
 * A real CommonMark + GFM renderer configured like GitHub's: raw HTML allowed (GitHub keeps a
 * safe subset, including <img> and <a>), tables, strikethrough, and autolinks for URLs, www. and
 * e-mail addresses (GitHub does not link bare domains, so fuzzy links are off).
 */
import MarkdownIt from 'markdown-it'

const md = new MarkdownIt({ html: true, linkify: true })
md.linkify.set({ fuzzyLink: false })

export function toHtml(markdown: string): string {
  return md.render(markdown)
}

/**
 * The GFM spec's extended autolink rules (www., http(s)://, ftp://, e-mail), which GitHub applies
 * to text; linkify-it can only turn www. on together with bare domains, so this is checked apart.
 */
export const GFM_AUTOLINK =
  /(^|[\s*_~(])(www\.|https?:\/\/|ftp:\/\/)[\p{L}\p{N}_-]|[A-Za-z0-9.+_-]@[A-Za-z0-9_-]+\.[A-Za-z0-9_-]/iu

/** The text nodes: tags removed, entities decoded (zero-width characters kept). */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
}

/** What a reader sees: the text, without zero-width characters. */
export function visibleText(html: string): string {
  return textOf(html).replace(/[\u200b-\u200d]/g, '')
}

/** GitHub's own mention / reference syntax in rendered text: `@name` or `#123`. */
export const MENTION = /(^|[^\w])[@#][A-Za-z0-9]/
