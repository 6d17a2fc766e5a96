package summary

import (
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/newsbot/newsbot/core"
)

func TestParsePlainText(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		title     string
		body      []string
		wantError bool
	}{
		{name: "title and body", in: "Title\n\nFirst para\nwraps here.\n\nSecond.\n", title: "Title", body: []string{"First para wraps here.", "Second."}},
		{name: "bom, crlf and leading blanks", in: "\uFEFF\r\n  Titlu  \r\n\r\nCorp.\r\n", title: "Titlu", body: []string{"Corp."}},
		{name: "title only", in: "Заголовок\n", title: "Заголовок"},
		{name: "body right under the title", in: "Title\nBody line.", title: "Title", body: []string{"Body line."}},
		{name: "many blank lines", in: "T\n\n\n\n  \nA.\n\n\t\nB.", title: "T", body: []string{"A.", "B."}},
		{name: "empty", in: "", wantError: true},
		{name: "blank", in: " \n\n \t\n", wantError: true},
		{name: "not utf-8", in: "Title\n\n\xff\xfe", wantError: true},
		{name: "too long", in: "T\n\n" + strings.Repeat("a", MaxPlainText), wantError: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			title, body, err := ParsePlainText(strings.NewReader(tt.in))
			if tt.wantError {
				if core.ErrorCode(err) != core.CodeInvalid {
					t.Fatalf("error %v, want CodeInvalid", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if title != tt.title || strings.Join(body, "|") != strings.Join(tt.body, "|") || len(body) != len(tt.body) {
				t.Errorf("got %q %q, want %q %q", title, body, tt.title, tt.body)
			}
		})
	}
}

func TestParsePlainTextReadError(t *testing.T) {
	boom := errors.New("boom")
	if _, _, err := ParsePlainText(iotest.ErrReader(boom)); !errors.Is(err, boom) {
		t.Fatalf("got %v, want the reader's error", err)
	}
}

func FuzzParsePlainText(f *testing.F) {
	f.Add("Title\n\nBody one.\n\nBody two.")
	f.Add("\uFEFF\r\nT\r\n\r\nB")
	f.Add("\n\n\n")
	f.Fuzz(func(t *testing.T, in string) {
		title, body, err := ParsePlainText(strings.NewReader(in))
		if err != nil {
			if core.ErrorCode(err) != core.CodeInvalid {
				t.Fatalf("error %v is not CodeInvalid", err)
			}
			return
		}
		if title == "" || strings.ContainsAny(title, "\r\n") {
			t.Fatalf("bad title %q", title)
		}
		for _, p := range body {
			if p == "" || strings.ContainsAny(p, "\r\n") {
				t.Fatalf("bad paragraph %q", p)
			}
		}
		if got, want := nonSpace(title+strings.Join(body, "")), nonSpace(strings.TrimPrefix(in, "\uFEFF")); got != want {
			t.Fatalf("lost text: got %q, want %q", got, want)
		}
	})
}
