# ferry in a container: docker build -t ferry . && docker run --rm -v "$PWD:/repo" -w /repo ferry plan --from staging --to production
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# ferry version reads the version from the build information that go build
# records (from the Git checkout, when .git is part of the build context).
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/ferry ./cmd/ferry

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/ferry /usr/local/bin/ferry
USER nonroot
ENTRYPOINT ["/usr/local/bin/ferry"]
