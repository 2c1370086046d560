package notify

import (
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	r := render("[#{{ticket.number}}] {{ ticket.subject }}",
		"Hi **{{recipient.name}}**, see [the ticket]({{ticket.url}}) or {{ticket.url}}.\n\n{{reply.text}}\n\n{{unknown}}",
		map[string]string{"ticket.number": "7", "ticket.subject": "Line\nbreak <i>", "recipient.name": "Ana & *Bo*",
			"ticket.url": "https://d.test/tickets/7?a=1&b=2", "reply.text": "one\ntwo [x](javascript:alert(1))"})
	if r.Subject != "[#7] Line break <i>" {
		t.Errorf("subject %q", r.Subject)
	}
	wantHTML := `<p>Hi <strong>Ana &amp; *Bo*</strong>, see <a href="https://d.test/tickets/7?a=1&amp;b=2" rel="nofollow noreferrer noopener" target="_blank">the ticket</a>` +
		` or <a href="https://d.test/tickets/7?a=1&amp;b=2" rel="nofollow noreferrer noopener" target="_blank">https://d.test/tickets/7?a=1&amp;b=2</a>.</p>` +
		"\n<p>one<br>\ntwo [x](javascript:alert(1))</p>\n<p></p>\n"
	if r.HTML != wantHTML {
		t.Errorf("html:\n%s\nwant:\n%s", r.HTML, wantHTML)
	}
	wantText := "Hi Ana & *Bo*, see the ticket: https://d.test/tickets/7?a=1&b=2 or https://d.test/tickets/7?a=1&b=2.\n\none\ntwo [x](javascript:alert(1))\n"
	if r.Text != wantText {
		t.Errorf("text:\n%q\nwant:\n%q", r.Text, wantText)
	}
	// A link variable holding anything but a web address leaves the link empty.
	r = render("s", "[go]({{ticket.url}})", map[string]string{"ticket.url": "javascript:alert(1)"})
	if strings.Contains(r.HTML, "javascript") {
		t.Errorf("unsafe link kept: %s", r.HTML)
	}
	if got := unknownVariables(TemplateTaskDigest, "{{tasks.list}} {{ticket.url}} {{a}}", "{{ a }}"); strings.Join(got, ",") != "a,ticket.url" {
		t.Errorf("unknown variables %v", got)
	}
}

func TestMessageID(t *testing.T) {
	s := &Service{SMTP: &SMTPConfig{}, PublicURL: "https://desk.example.com"}
	a, b := s.MessageID("ticket:1:created", "Ana@X.test"), s.MessageID("ticket:1:created", "ana@x.test")
	if a != b || len(a) != len("<")+32+len("@desk.example.com>") || !strings.HasSuffix(a, "@desk.example.com>") {
		t.Errorf("%s %s", a, b)
	}
	if s.MessageID("ticket:1:created", "bo@x.test") == a || s.MessageID("ticket:2:created", "ana@x.test") == a {
		t.Error("different mails share a Message-ID")
	}
}
