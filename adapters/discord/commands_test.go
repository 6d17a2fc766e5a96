package discord_test

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

type registered struct {
	Name                     string            `json:"name"`
	NameLocalizations        map[string]string `json:"name_localizations"`
	Description              string            `json:"description"`
	DescriptionLocalizations map[string]string `json:"description_localizations"`
	DefaultMemberPermissions *string           `json:"default_member_permissions"`
	Contexts                 []int             `json:"contexts"`
	Type                     int               `json:"type"`
	Options                  []struct {
		Type                     int               `json:"type"`
		Name                     string            `json:"name"`
		NameLocalizations        map[string]string `json:"name_localizations"`
		Description              string            `json:"description"`
		DescriptionLocalizations map[string]string `json:"description_localizations"`
		Required                 bool              `json:"required"`
		Autocomplete             bool              `json:"autocomplete"`
		MinValue                 *float64          `json:"min_value"`
		MaxValue                 float64           `json:"max_value"`
		MaxLength                int               `json:"max_length"`
		Choices                  []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"choices"`
	} `json:"options"`
}

// Discord's rule for names: 1–32 letters, digits, '-' or '_', lower case.
var discordName = regexp.MustCompile(`^[-_\p{L}\p{N}]{1,32}$`)

func checkName(t *testing.T, where, s string) {
	t.Helper()
	if !discordName.MatchString(s) || s != strings.ToLower(s) {
		t.Errorf("%s: name %q breaks Discord's rules", where, s)
	}
}

func checkDescription(t *testing.T, where, s string) {
	t.Helper()
	if n := utf8.RuneCountInString(s); n < 1 || n > 100 {
		t.Errorf("%s: description %q has %d characters, want 1–100", where, s, n)
	}
}

// wantLocales are the locale keys every name and description must have.
var wantLocales = []string{"ro", "ru", "en-US", "en-GB"}

func checkLocalized(t *testing.T, where string, names, descs map[string]string) {
	t.Helper()
	for _, loc := range wantLocales {
		name, ok := names[loc]
		if !ok {
			t.Errorf("%s: no name for %s", where, loc)
		}
		checkName(t, where+" "+loc, name)
		desc, ok := descs[loc]
		if !ok {
			t.Errorf("%s: no description for %s", where, loc)
		}
		checkDescription(t, where+" "+loc, desc)
	}
}

func TestCommandRegistration(t *testing.T) {
	r := run(t, nil)
	raw := r.srv.Commands("global")
	if raw == nil {
		t.Fatal("no commands registered globally")
	}
	var cmds []registered
	if err := json.Unmarshal(raw, &cmds); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cmds {
		names = append(names, c.Name)
	}
	want := []string{"help", "latest", "search", "read", "sections", "subscribe", "unsubscribe", "subscriptions", "lang",
		"digest", "quiet", "breaking", "correct", "retract", "broadcasts", "link"}
	slices.Sort(names)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Fatalf("commands = %v, want %v", names, want)
	}
	perms := map[string]string{"subscribe": "16", "unsubscribe": "16", "lang": "16",
		"breaking": "8", "correct": "8", "retract": "8", "broadcasts": "8", "link": "8"}
	for _, c := range cmds {
		t.Run(c.Name, func(t *testing.T) {
			checkName(t, c.Name, c.Name)
			checkDescription(t, c.Name, c.Description)
			checkLocalized(t, c.Name, c.NameLocalizations, c.DescriptionLocalizations)
			got := ""
			if c.DefaultMemberPermissions != nil {
				got = *c.DefaultMemberPermissions
			}
			if got != perms[c.Name] {
				t.Errorf("default_member_permissions = %q, want %q", got, perms[c.Name])
			}
			if c.Type != 1 || !slices.Equal(c.Contexts, []int{0, 1}) {
				t.Errorf("type %d, contexts %v, want 1 and [0 1] (servers and DMs)", c.Type, c.Contexts)
			}
			seen := map[string]bool{}
			for _, o := range c.Options {
				where := c.Name + " " + o.Name
				checkName(t, where, o.Name)
				checkDescription(t, where, o.Description)
				checkLocalized(t, where, o.NameLocalizations, o.DescriptionLocalizations)
				for _, loc := range wantLocales {
					if seen[loc+o.NameLocalizations[loc]] {
						t.Errorf("%s: two options named %q in %s", c.Name, o.NameLocalizations[loc], loc)
					}
					seen[loc+o.NameLocalizations[loc]] = true
				}
				if o.Name == "section" && !o.Autocomplete {
					t.Errorf("%s: the section option has no autocompletion", where)
				}
				if o.Name == "article" && (!o.Autocomplete || !o.Required) {
					t.Errorf("%s: the article option is not required with autocompletion", where)
				}
				if o.Type == 4 && (o.MinValue == nil || *o.MinValue != 1 || o.MaxValue != 20) {
					t.Errorf("%s: integer without min 1 and max 20", where)
				}
				if o.Type == 3 && o.MaxLength == 0 && len(o.Choices) == 0 {
					t.Errorf("%s: string without max_length", where)
				}
			}
		})
	}
}
