package content

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// LoadDir reads the articles of every JSON file in fsys and checks them.
//
// Every file whose name ends in ".json" is read, in every folder below the
// root; names starting with "." are skipped, so editors' swap files and .git
// stay out. A file holds one JSON array of articles; the bundled sample keeps one file per story, with
// its language editions side by side:
//
//	[
//	  {
//	    "id": "wine-ro",
//	    "group": "wine",
//	    "lang": "ro",
//	    "section": "economy",
//	    "title": "Vinificatorii moldoveni semnează un contract de export în Japonia",
//	    "lead": "O sută de mii de sticle vor pleca în 2027 spre Osaka.",
//	    "body": ["First paragraph.", "Second paragraph.", "Third paragraph."],
//	    "author": "Elena Rusu",
//	    "url": "https://newsbot.example/ro/vin-japonia",
//	    "published": "2026-11-24T10:15:00+02:00",
//	    "tags": ["vin", "export"]
//	  },
//	  { "id": "wine-en", "group": "wine", "lang": "en", "translator": "Daniel Popa", … }
//	]
//
// The fields are those of Article, by their JSON names:
//
//   - id (required): 1 to MaxIDLen letters, digits, '-' or '_' (see ValidID),
//     unique across all files.
//   - lang (required): a lowercase language code of 2 or 3 letters. Which
//     languages the bot serves is not the loader's business.
//   - section (required): lowercase letters, digits, '-' or '_', such as
//     the entries of DefaultSections.
//   - title (required, one line), lead (required).
//   - body (required): a non-empty array of plain-text paragraphs, none blank.
//   - author, translator (optional): names as printed.
//   - url (optional): an absolute http or https URL.
//   - published (required), updated (optional): RFC 3339 times with an
//     offset, such as "2026-11-24T10:15:00+02:00". updated must not be before
//     published; the zero time "0001-01-01T00:00:00Z", which encoding/json
//     writes for an unset Article.Updated, counts as absent.
//   - tags (optional): an array of non-blank strings.
//   - group (optional): links translations; a valid ID. A group holds at most
//     one edition per language, and all its editions share one section.
//   - version (optional): an integer of at least 1; absent means 1.
//   - image (optional): the lead image, an object with url (required, an
//     absolute http or https URL), alt (one line), width and height
//     (pixels, when known).
//
// A null value counts as an absent field. Unknown fields, fields given twice,
// invalid UTF-8 and text after the array are errors. A UTF-8 byte order mark
// at the start of a file is skipped.
//
// LoadDir reports every problem it finds, not just the first, joined with
// errors.Join; each names the file, the line, the article and the field, as
// in
//
//	sample/wine.json:14: article 2 ("wine-ru"): field "published": missing
//
// When there is any problem LoadDir returns no articles. Otherwise the
// articles come newest first (by Published, then by ID), each with Version at
// least 1. An fsys without JSON files yields no articles and no error.
// LoadDir only reads fsys; it is safe for concurrent use if fsys is.
func LoadDir(fsys fs.FS) ([]Article, error) {
	var (
		articles []Article
		places   []place // where articles[i] came from
		errs     []error
	)
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		if name != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || path.Ext(name) != ".json" {
			return nil
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		as, ps, ferrs := parseFile(name, data)
		articles = append(articles, as...)
		places = append(places, ps...)
		errs = append(errs, ferrs...)
		return nil
	})
	if err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, checkAcross(articles, places)...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	slices.SortStableFunc(articles, func(a, b Article) int {
		if c := b.Published.Compare(a.Published); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return articles, nil
}

// place says where an article was read: a file, its 1-based position in the
// file's array, and the line of its opening brace.
type place struct {
	file  string
	index int
	line  int
	id    string
	field map[string]int // field name -> line of its value
}

func (p place) String() string { return fmt.Sprintf("%s:%d", p.file, p.line) }

// errorf returns a problem with the article's field, at the field's line
// when the field is present, else at the article's.
func (p place) errorf(field, format string, args ...any) error {
	line, ok := p.field[field]
	if !ok {
		line = p.line
	}
	who := fmt.Sprintf("article %d", p.index)
	if p.id != "" {
		who += fmt.Sprintf(" (%q)", p.id)
	}
	return fmt.Errorf("%s:%d: %s: field %q: %s", p.file, line, who, field, fmt.Sprintf(format, args...))
}

// fieldNames are the JSON names of Article's fields, in declaration order.
var fieldNames = []string{"id", "lang", "section", "title", "lead", "body", "author",
	"translator", "url", "published", "updated", "tags", "group", "version", "image"}

// parseFile decodes and checks the articles of one file. It returns the
// articles that have no problem of their own, where each came from, and the
// problems.
func parseFile(name string, data []byte) ([]Article, []place, []error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, size := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			off += size
		}
		return nil, nil, []error{fmt.Errorf("%s:%d: invalid UTF-8 (byte %#x); save the file as UTF-8",
			name, lineAt(data, off), data[off])}
	}
	// Unmarshal checks the whole input before decoding, so a syntax error
	// carries its offset in the file; the streaming decoder below then only
	// meets well-formed JSON.
	var whole json.RawMessage
	if err := json.Unmarshal(data, &whole); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, nil, []error{fmt.Errorf("%s:%d: invalid JSON: %v", name, lineAt(data, int(max(se.Offset-1, 0))), se)}
		}
		return nil, nil, []error{fmt.Errorf("%s: invalid JSON: %v", name, err)}
	}
	start := skipSpace(data, 0)
	if data[start] != '[' {
		return nil, nil, []error{fmt.Errorf("%s:%d: want a JSON array of articles, got %s",
			name, lineAt(data, start), kindOf(data[start:]))}
	}

	lines := newLineIndex(data)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.Token() // '['
	var (
		articles []Article
		places   []place
		errs     []error
	)
	for i := 1; dec.More(); i++ {
		off := skipSpace(data, int(dec.InputOffset()))
		p := place{file: name, index: i, line: lines.line(off), field: map[string]int{}}
		if data[off] != '{' {
			var skip json.RawMessage
			dec.Decode(&skip)
			errs = append(errs, fmt.Errorf("%s:%d: article %d: want a JSON object, got %s", name, p.line, i, kindOf(data[off:])))
			continue
		}
		fields, dups := readObject(dec, data, lines, &p)
		a, aerrs := decodeArticle(fields, dups, &p)
		if errs = append(errs, aerrs...); len(aerrs) == 0 {
			articles = append(articles, a)
			places = append(places, p)
		}
	}
	return articles, places, errs
}

// readObject reads one JSON object from dec, recording the line of each
// field's value in p. It returns the fields and, for a field given more than
// once, the line of its second value. The input is known to be well-formed
// JSON.
func readObject(dec *json.Decoder, data []byte, lines lineIndex, p *place) (fields map[string]json.RawMessage, dups map[string]int) {
	fields = map[string]json.RawMessage{}
	dups = map[string]int{}
	dec.Token() // '{'
	for dec.More() {
		tok, _ := dec.Token()
		key, _ := tok.(string)
		off := skipSpace(data, int(dec.InputOffset()))
		off = skipSpace(data, off+1) // the ':'
		var v json.RawMessage
		dec.Decode(&v)
		if _, dup := fields[key]; dup {
			if _, again := dups[key]; !again {
				dups[key] = lines.line(off)
			}
			continue
		}
		fields[key] = v
		p.field[key] = lines.line(off)
	}
	dec.Token() // '}'
	return fields, dups
}

// decodeArticle turns the fields of one object into an Article and checks
// everything that can be checked within one article.
func decodeArticle(fields map[string]json.RawMessage, dups map[string]int, p *place) (Article, []error) {
	var (
		a    Article
		errs []error
	)
	// The ID comes first so that every later message can name the article.
	if s, ok := stringField(fields, "id", p, &errs); ok {
		if ValidID(s) {
			p.id = s
			a.ID = s
		} else {
			errs = append(errs, p.errorf("id", "%q is not a valid ID (letters, digits, '-', '_', at most %d)", s, MaxIDLen))
		}
	}
	for _, k := range sortedKeys(fields) {
		if !slices.Contains(fieldNames, k) {
			errs = append(errs, p.errorf(k, "unknown field (known: %s)", strings.Join(fieldNames, ", ")))
		}
	}
	for _, k := range sortedKeys(dups) {
		errs = append(errs, p.errorf(k, "given twice (again on line %d)", dups[k]))
	}

	if s, ok := stringField(fields, "lang", p, &errs); ok {
		if validLang(s) {
			a.Lang = s
		} else {
			errs = append(errs, p.errorf("lang", "%q is not a language code (2 or 3 lowercase letters, such as \"ro\")", s))
		}
	}
	if s, ok := stringField(fields, "section", p, &errs); ok {
		if ValidID(s) && s == strings.ToLower(s) {
			a.Section = s
		} else {
			errs = append(errs, p.errorf("section", "%q is not a valid section (lowercase letters, digits, '-', '_', at most %d)", s, MaxIDLen))
		}
	}
	if s, ok := stringField(fields, "title", p, &errs); ok {
		if strings.ContainsAny(s, "\r\n") {
			errs = append(errs, p.errorf("title", "must be one line"))
		}
		a.Title = s
	}
	if s, ok := stringField(fields, "lead", p, &errs); ok {
		a.Lead = s
	}
	if ss, ok := stringsField(fields, "body", p, &errs); ok {
		a.Body = ss
	} else if _, present := fields["body"]; !present || isNull(fields["body"]) {
		errs = append(errs, p.errorf("body", "missing"))
	}
	a.Author = optionalString(fields, "author", p, &errs)
	a.Translator = optionalString(fields, "translator", p, &errs)
	if s := optionalString(fields, "url", p, &errs); s != "" {
		if u, err := url.Parse(s); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, p.errorf("url", "%q is not an absolute http or https URL", s))
		} else {
			a.URL = s
		}
	}
	if t, ok := timeField(fields, "published", p, &errs); ok && !t.IsZero() {
		a.Published = t
	} else if ok {
		errs = append(errs, p.errorf("published", "missing (the zero time)"))
	} else if _, present := fields["published"]; !present || isNull(fields["published"]) {
		errs = append(errs, p.errorf("published", "missing"))
	}
	if t, ok := timeField(fields, "updated", p, &errs); ok && !t.IsZero() {
		if !a.Published.IsZero() && t.Before(a.Published) {
			errs = append(errs, p.errorf("updated", "%s is before published %s", t.Format(time.RFC3339), a.Published.Format(time.RFC3339)))
		}
		a.Updated = t
	}
	if ss, ok := stringsField(fields, "tags", p, &errs); ok {
		a.Tags = ss
	}
	if s := optionalString(fields, "group", p, &errs); s != "" {
		if ValidID(s) {
			a.Group = s
		} else {
			errs = append(errs, p.errorf("group", "%q is not a valid group (letters, digits, '-', '_', at most %d)", s, MaxIDLen))
		}
	}
	if raw, ok := fields["image"]; ok && !isNull(raw) {
		a.Image = imageField(raw, p, &errs)
	}
	a.Version = 1
	if raw, ok := fields["version"]; ok && !isNull(raw) {
		var n int
		if err := json.Unmarshal(raw, &n); err != nil {
			errs = append(errs, p.errorf("version", "want a whole number, got %s", kindOf(raw)))
		} else if n < 1 {
			errs = append(errs, p.errorf("version", "%d is less than 1", n))
		} else {
			a.Version = n
		}
	}
	return a, errs
}

// checkAcross finds problems between articles that are each fine on their
// own: duplicate IDs, two editions of a group in one language, and editions
// of a group in different sections.
func checkAcross(articles []Article, places []place) []error {
	var errs []error
	byID := map[string]int{}
	byGroupLang := map[[2]string]int{}
	groupFirst := map[string]int{}
	for i, a := range articles {
		if j, dup := byID[a.ID]; dup {
			errs = append(errs, places[i].errorf("id", "%q is already the ID of article %d in %s", a.ID, places[j].index, places[j]))
			continue
		}
		byID[a.ID] = i
		if a.Group == "" {
			continue
		}
		if j, dup := byGroupLang[[2]string{a.Group, a.Lang}]; dup {
			errs = append(errs, places[i].errorf("group", "group %q already has a %q edition, %q (%s)", a.Group, a.Lang, articles[j].ID, places[j]))
			continue
		}
		byGroupLang[[2]string{a.Group, a.Lang}] = i
		if j, ok := groupFirst[a.Group]; !ok {
			groupFirst[a.Group] = i
		} else if articles[j].Section != a.Section {
			errs = append(errs, places[i].errorf("section", "%q differs from %q, the section of %q (%s), another edition of group %q",
				a.Section, articles[j].Section, articles[j].ID, places[j], a.Group))
		}
	}
	return errs
}

// stringField decodes a required, non-blank string field.
func stringField(fields map[string]json.RawMessage, name string, p *place, errs *[]error) (string, bool) {
	raw, ok := fields[name]
	if !ok || isNull(raw) {
		*errs = append(*errs, p.errorf(name, "missing"))
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		*errs = append(*errs, p.errorf(name, "want a string, got %s", kindOf(raw)))
		return "", false
	}
	if strings.TrimSpace(s) == "" {
		*errs = append(*errs, p.errorf(name, "blank"))
		return "", false
	}
	return s, true
}

// optionalString decodes a string field that may be absent or empty.
func optionalString(fields map[string]json.RawMessage, name string, p *place, errs *[]error) string {
	raw, ok := fields[name]
	if !ok || isNull(raw) {
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		*errs = append(*errs, p.errorf(name, "want a string, got %s", kindOf(raw)))
		return ""
	}
	return strings.TrimSpace(s)
}

// stringsField decodes a non-empty array of non-blank strings. It reports
// false, and no problem, when the field is absent.
func stringsField(fields map[string]json.RawMessage, name string, p *place, errs *[]error) ([]string, bool) {
	raw, ok := fields[name]
	if !ok || isNull(raw) {
		return nil, false
	}
	var ss []string
	if err := json.Unmarshal(raw, &ss); err != nil {
		*errs = append(*errs, p.errorf(name, "want an array of strings, got %s", kindOf(raw)))
		return nil, false
	}
	if len(ss) == 0 {
		*errs = append(*errs, p.errorf(name, "empty array"))
		return nil, false
	}
	for i, s := range ss {
		if strings.TrimSpace(s) == "" {
			*errs = append(*errs, p.errorf(name, "item %d is blank", i+1))
			return nil, false
		}
	}
	return ss, true
}

// timeField decodes an RFC 3339 time. It reports false, and no problem,
// when the field is absent.
func timeField(fields map[string]json.RawMessage, name string, p *place, errs *[]error) (time.Time, bool) {
	raw, ok := fields[name]
	if !ok || isNull(raw) {
		return time.Time{}, false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		*errs = append(*errs, p.errorf(name, "want an RFC 3339 time string, got %s", kindOf(raw)))
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		*errs = append(*errs, p.errorf(name, "%q is not an RFC 3339 time (such as \"2026-11-24T10:15:00+02:00\")", s))
		return time.Time{}, false
	}
	return t, true
}

func isNull(raw json.RawMessage) bool { return string(raw) == "null" }

// imageField reads the optional "image" object: url (required, see
// ValidImageURL), alt, width and height (positive). A bad image is an
// error of the article: an image a platform would refuse is better
// reported at load than found at the first alert.
func imageField(raw json.RawMessage, p *place, errs *[]error) Image {
	var v struct {
		URL    *string `json:"url"`
		Alt    string  `json:"alt"`
		Width  int     `json:"width"`
		Height int     `json:"height"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		*errs = append(*errs, p.errorf("image", "expected an object with url, alt, width and height: %v", err))
		return Image{}
	}
	switch {
	case v.URL == nil:
		*errs = append(*errs, p.errorf("image", "url missing"))
	case !ValidImageURL(*v.URL):
		*errs = append(*errs, p.errorf("image", "%q is not an absolute http or https URL", *v.URL))
	case v.Width < 0 || v.Height < 0:
		*errs = append(*errs, p.errorf("image", "width and height cannot be negative"))
	case strings.ContainsAny(v.Alt, "\r\n"):
		*errs = append(*errs, p.errorf("image", "alt must be one line"))
	default:
		return Image{URL: *v.URL, Alt: strings.TrimSpace(v.Alt), Width: v.Width, Height: v.Height}
	}
	return Image{}
}

// validLang reports whether s looks like a language code: 2 or 3 lowercase
// ASCII letters.
func validLang(s string) bool {
	if len(s) < 2 || len(s) > 3 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

// kindOf names the kind of JSON value that raw starts with.
func kindOf(raw []byte) string {
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	default:
		return "a number"
	}
}

// lineAt returns the 1-based line of byte offset off in data.
func lineAt(data []byte, off int) int {
	off = min(off, len(data))
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// lineIndex finds lines of offsets in one file without rescanning it: it
// holds the offset of every newline.
type lineIndex []int

func newLineIndex(data []byte) lineIndex {
	var idx lineIndex
	for off, b := range data {
		if b == '\n' {
			idx = append(idx, off)
		}
	}
	return idx
}

// line returns the 1-based line of byte offset off.
func (idx lineIndex) line(off int) int {
	n, _ := slices.BinarySearch(idx, off)
	return n + 1
}

// skipSpace returns the offset of the first byte at or after off that is
// neither JSON white space nor a comma, or len(data).
func skipSpace(data []byte, off int) int {
	for off < len(data) {
		switch data[off] {
		case ' ', '\t', '\r', '\n', ',':
			off++
		default:
			return off
		}
	}
	return off
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
