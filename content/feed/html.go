package feed

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsbot/newsbot/core"
	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Limits on what one item may put into an article.
const (
	maxTitleRunes = 300
	maxLeadRunes  = 600
	maxParagraphs = 400
)

// skipped are elements whose content is never text for a reader.
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Iframe: true, atom.Object: true, atom.Embed: true, atom.Svg: true,
	atom.Math: true, atom.Head: true, atom.Title: true, atom.Form: true,
	atom.Button: true, atom.Select: true, atom.Textarea: true, atom.Canvas: true,
	atom.Audio: true, atom.Video: true,
}

// blocks are elements that start and end a paragraph.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Br: true, atom.Li: true, atom.Ul: true, atom.Ol: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Blockquote: true, atom.Pre: true, atom.Section: true, atom.Article: true,
	atom.Header: true, atom.Footer: true, atom.Aside: true, atom.Figure: true,
	atom.Figcaption: true, atom.Table: true, atom.Tr: true, atom.Hr: true, atom.Dl: true,
	atom.Dt: true, atom.Dd: true, atom.Main: true, atom.Nav: true, atom.Address: true,
	atom.Body: true,
}

// paragraphs turns an HTML fragment into clean plain-text paragraphs:
// entities decoded, scripts and styles dropped, block elements and <br> as
// paragraph breaks, whitespace collapsed. Plain text (no tags) comes out
// split on blank lines.
func paragraphs(fragment string) []string {
	if !strings.ContainsAny(fragment, "<&") {
		return textParagraphs(fragment)
	}
	nodes, err := xhtml.ParseFragment(strings.NewReader(fragment), &xhtml.Node{Type: xhtml.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return textParagraphs(html.UnescapeString(fragment))
	}
	var w paraWriter
	for _, n := range nodes {
		w.walk(n)
	}
	return w.done()
}

// nodeParagraphs is paragraphs for an already parsed tree.
func nodeParagraphs(n *xhtml.Node) []string {
	var w paraWriter
	w.walk(n)
	return w.done()
}

type paraWriter struct {
	out []string
	cur strings.Builder
}

func (w *paraWriter) walk(n *xhtml.Node) {
	if len(w.out) >= maxParagraphs {
		return
	}
	switch n.Type {
	case xhtml.TextNode:
		w.cur.WriteString(n.Data)
		return
	case xhtml.ElementNode:
		if skipped[n.DataAtom] {
			return
		}
		if n.DataAtom == atom.Img {
			return
		}
	case xhtml.CommentNode, xhtml.DoctypeNode:
		return
	}
	block := n.Type == xhtml.ElementNode && blocks[n.DataAtom]
	if block {
		w.flush()
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c)
	}
	if block {
		w.flush()
	}
}

func (w *paraWriter) flush() {
	if p := core.CleanLine(w.cur.String()); p != "" && len(w.out) < maxParagraphs {
		w.out = append(w.out, p)
	}
	w.cur.Reset()
}

func (w *paraWriter) done() []string {
	w.flush()
	return w.out
}

// textParagraphs splits plain text on blank lines.
func textParagraphs(s string) []string {
	var out []string
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, p := range strings.Split(s, "\n\n") {
		if p = core.CleanLine(p); p != "" && len(out) < maxParagraphs {
			out = append(out, p)
		}
	}
	return out
}

// plainText is paragraphs joined by one space: titles, names.
func plainText(s string) string {
	return strings.Join(paragraphs(s), " ")
}

// truncate cuts s to at most n runes, at a word boundary when one is near,
// and marks the cut with an ellipsis.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n-1]
	cut := len(r)
	for i := len(r) - 1; i > n*3/4; i-- {
		if unicode.IsSpace(r[i]) {
			cut = i
			break
		}
	}
	return strings.TrimRightFunc(string(r[:cut]), unicode.IsSpace) + "…"
}
