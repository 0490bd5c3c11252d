package content

// FrontMatter returns the front matter fields of an article by lower-case
// name, without rendering its body: for tools that only need to know what
// articles exist, such as the feed import.
func FrontMatter(displayPath string, data []byte) (map[string]any, error) {
	fm, format, fmLine, _, _, err := split(displayPath, newlines(data))
	if err != nil {
		return nil, err
	}
	fields, err := parseFields(displayPath, format, fm, fmLine)
	if err != nil {
		return nil, err
	}
	out := make(map[string]any, len(fields))
	for k, f := range fields {
		out[k] = f.value
	}
	return out, nil
}
