package summary

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/newsbot/newsbot/core"
)

// MaxPlainText is the largest plain-text article ParsePlainText reads.
const MaxPlainText = 1 << 20

// ParsePlainText reads a plain-text article: the title on the first
// non-blank line, then the body, whose paragraphs are separated by blank
// lines; lines inside a paragraph are joined by a space. A UTF-8 byte order
// mark and CRLF line ends are accepted.
//
// It returns a *core.Error with CodeInvalid when the text has no title, is
// not UTF-8 or is longer than MaxPlainText, and the reader's error as is.
// An article with a title and no body has a nil body.
func ParsePlainText(r io.Reader) (title string, body []string, err error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxPlainText+1))
	if err != nil {
		return "", nil, err
	}
	if len(data) > MaxPlainText {
		return "", nil, invalidText(fmt.Errorf("longer than %d bytes", MaxPlainText))
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if !utf8.Valid(data) {
		return "", nil, invalidText(errors.New("not UTF-8"))
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, MaxPlainText+1)
	var para []string
	flush := func() {
		if len(para) > 0 {
			body = append(body, strings.Join(para, " "))
			para = nil
		}
	}
	for sc.Scan() {
		line := strings.Join(strings.Fields(sc.Text()), " ")
		switch {
		case title == "":
			title = line
		case line == "":
			flush()
		default:
			para = append(para, line)
		}
	}
	if err := sc.Err(); err != nil {
		return "", nil, invalidText(err)
	}
	flush()
	if title == "" {
		return "", nil, invalidText(errors.New("no title"))
	}
	return title, body, nil
}

// invalidText wraps why a plain-text article was refused.
func invalidText(err error) error {
	return &core.Error{Code: core.CodeInvalid, Key: "err_summary_text", Err: err}
}
