package summary

import (
	"testing"
	"unicode/utf8"
)

func TestStripDateline(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"ro agency", "CHIȘINĂU, 1 decembrie /Newsbot/. Parlamentul a aprobat bugetul.", "Parlamentul a aprobat bugetul."},
		{"ru agency after a period", "КИШИНЁВ, 1 декабря. /Newsbot/. Парламент принял бюджет.", "Парламент принял бюджет."},
		{"en agency and hyphen", "CHISINAU, Dec 1 (Newsbot) - Moldova's parliament approved the budget.", "Moldova's parliament approved the budget."},
		{"en place and country", "IASI, Romania, March 3 (Newsbot) - A court jailed two men.", "A court jailed two men."},
		{"two-word place, em dash", "BUENOS AIRES, May 2 — Argentina's peso fell.", "Argentina's peso fell."},
		{"no dateline", "Parlamentul a aprobat marți bugetul.", "Parlamentul a aprobat marți bugetul."},
		{"capitalised acronym opens a sentence", "ANRE, the regulator, cut gas prices by 11%.", "ANRE, the regulator, cut gas prices by 11%."},
		{"acronym and a dash far away", "NATO, which Moldova is not part of, held drills in Romania and Bulgaria this week - the largest in years.", "NATO, which Moldova is not part of, held drills in Romania and Bulgaria this week - the largest in years."},
		{"a capitalised word ends the text", "CHIȘINĂU", "CHIȘINĂU"},
		{"mixed case place", "Chișinău, 1 decembrie /Newsbot/. Text.", "Chișinău, 1 decembrie /Newsbot/. Text."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := stripDateline(tt.in); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestCompress(t *testing.T) {
	tests := []struct{ name, lang, in, want string }{
		{"ro trailing source", "ro",
			"Guvernul a aprobat un plan de închidere a 120 de școli rurale, a anunțat Ministerul Educației.",
			"Guvernul a aprobat un plan de închidere a 120 de școli rurale."},
		{"ro source with a day", "ro",
			"Inflația anuală a coborât în octombrie la 4,2%, a anunțat luni Biroul Național de Statistică.",
			"Inflația anuală a coborât în octombrie la 4,2%."},
		{"ro leading source", "ro",
			"Potrivit procurorilor, cei doi au făcut cel puțin cinci traversări din primăvară.",
			"Cei doi au făcut cel puțin cinci traversări din primăvară."},
		{"ro clause that is not a source", "ro",
			"Decizia a fost votată de 17 consilieri, iar opt au votat împotrivă.",
			"Decizia a fost votată de 17 consilieri, iar opt au votat împotrivă."},
		{"ru trailing source", "ru",
			"Годовая инфляция в октябре замедлилась до 4,2% с 4,9% в сентябре, сообщило в понедельник Национальное бюро статистики.",
			"Годовая инфляция в октябре замедлилась до 4,2% с 4,9% в сентябре."},
		{"ru leading source", "ru",
			"По данным прокуратуры, ущерб государству составил 21 млн леев за два года.",
			"Ущерб государству составил 21 млн леев за два года."},
		{"ru quote keeps its speaker", "ru",
			"«Это бюджет для инвестиций», — сказала Белоус.",
			"«Это бюджет для инвестиций», — сказала Белоус."},
		{"en trailing source", "en",
			"Annual inflation slowed to 4.2% in October from 4.9% in September, the National Bureau of Statistics said on Monday.",
			"Annual inflation slowed to 4.2% in October from 4.9% in September."},
		{"en said first", "en",
			"The city will open four heated shelters for homeless people, said the mayor.",
			"The city will open four heated shelters for homeless people."},
		{"en according to", "en",
			"According to the police, the driver was detained for 72 hours at the border.",
			"The driver was detained for 72 hours at the border."},
		{"en relative clause with said", "en",
			"The court heard from the minister, who said nothing about the tender.",
			"The court heard from the minister, who said nothing about the tender."},
		{"en quote keeps its speaker", "en",
			`"We did not expect gold," Andrei Munteanu said.`,
			`"We did not expect gold," Andrei Munteanu said.`},
		{"too short to cut", "en", "Nobody was hurt, police said.", "Nobody was hurt, police said."},
		{"question", "en", "Will prices fall, the minister asked?", "Will prices fall, the minister asked?"},
		{"unknown language", "de", "Die Brücke ist zu, sagte die Polizei.", "Die Brücke ist zu, sagte die Polizei."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := compress(tt.lang, tt.in); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

// FuzzCompress checks that compression and dateline stripping never grow a
// text by more than a capital letter and keep a run of its words.
func FuzzCompress(f *testing.F) {
	f.Add("ro", "CHIȘINĂU, 1 decembrie /Newsbot/. Parlamentul a aprobat bugetul, a anunțat ministerul.")
	f.Add("ru", "По данным прокуратуры, ущерб составил 21 млн леев, сообщили в ведомстве.")
	f.Add("en", "IASI, Romania (Newsbot) - A court jailed two men for smuggling migrants, prosecutors said.")
	f.Fuzz(func(t *testing.T, lang, s string) {
		if !utf8.ValidString(s) {
			return
		}
		for _, got := range []string{compress(lang, s), stripDateline(s)} {
			if len(got) > len(s)+utf8.UTFMax {
				t.Fatalf("%q grew to %q", s, got)
			}
			if !containsRun(Words(s), Words(got)) {
				t.Fatalf("%q is not a run of the words of %q", got, s)
			}
		}
	})
}
