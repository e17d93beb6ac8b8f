package manifest

import (
	"bytes"
	"runtime"
	"sync"
)

// parallelSize is the input size from which Decode splits a stream and
// decodes its parts in parallel: below it, the goroutines cost more than
// they save. YAML decoding, not checking, is most of the time spent on a
// large rendered file.
const parallelSize = 256 << 10

// decodeParallel decodes a large stream as decodeStream does — same
// objects, origins and errors — cutting it at "---" lines (which end a
// document wherever they are) into parts decoded concurrently. If a part
// fails, the whole stream is decoded in one piece for the exact error.
func decodeParallel(file string, data []byte) ([]*Object, error) {
	type part struct {
		line int // 0-based line of the stream the part starts on
		data []byte
	}
	var parts []part
	start, startLine, line := 0, 0, 0
	for i := 0; i < len(data); {
		end := bytes.IndexByte(data[i:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += i
		}
		if i-start >= parallelSize/4 && string(bytes.TrimRight(data[i:end], " \t\r")) == "---" {
			parts = append(parts, part{startLine, data[start:i]})
			start, startLine = i, line
		}
		i, line = end+1, line+1
	}
	parts = append(parts, part{startLine, data[start:]})

	results := make([][]*Object, len(parts))
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	slots := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, p := range parts {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			objs, err := decodeStream(file, p.data)
			for _, o := range objs {
				o.shiftLines(file, p.line)
			}
			results[i], errs[i] = objs, err
		}()
	}
	wg.Wait()
	var out []*Object
	for i, objs := range results {
		if errs[i] != nil {
			return decodeStream(file, data)
		}
		out = append(out, objs...)
	}
	return out, nil
}

// shiftLines moves the object's lines in file down by offset, for objects
// decoded from a part of it. Only the decoder calls it, before the object is
// shared.
func (o *Object) shiftLines(file string, offset int) {
	if offset == 0 {
		return
	}
	o.origin.Line += offset
	for k, f := range o.fields {
		if f.File == file && f.Line > 0 {
			f.Line += offset
			o.fields[k] = f
		}
	}
}
