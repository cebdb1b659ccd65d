package emulator

import (
	"errors"
	"html"
	"net/url"
	"regexp"
	"strings"
)

var (
	formRE  = regexp.MustCompile(`(?is)<form[^>]*action="([^"]*)"`)
	inputRE = regexp.MustCompile(`(?is)<input[^>]*type="hidden"[^>]*>`)
	attrRE  = regexp.MustCompile(`(?is)(name|value)="([^"]*)"`)
)

// ParseForm returns the absolute action and the hidden fields of the first
// form on a consent page: what a scripted browser submits.
func ParseForm(pageURL, page string) (string, url.Values, error) {
	loc := formRE.FindStringSubmatchIndex(page)
	if loc == nil {
		return "", nil, errors.New("no form on the page")
	}
	m := []string{page[loc[0]:loc[1]], page[loc[2]:loc[3]]}
	// Only the first form's fields: a page may hold other forms.
	page = page[loc[0]:]
	if end := strings.Index(strings.ToLower(page), "</form>"); end >= 0 {
		page = page[:end]
	}
	base, err := url.Parse(pageURL)
	if err != nil {
		return "", nil, err
	}
	action, err := base.Parse(html.UnescapeString(m[1]))
	if err != nil {
		return "", nil, err
	}
	fields := url.Values{}
	for _, in := range inputRE.FindAllString(page, -1) {
		var name, value string
		for _, a := range attrRE.FindAllStringSubmatch(in, -1) {
			if a[1] == "name" {
				name = html.UnescapeString(a[2])
			} else {
				value = html.UnescapeString(a[2])
			}
		}
		if name != "" {
			fields.Set(name, value)
		}
	}
	return action.String(), fields, nil
}
