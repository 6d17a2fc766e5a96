# The production image: a static newsbot binary on a minimal base.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /out/bot ./cmd/bot

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/bot /bot
USER nonroot
ENTRYPOINT ["/bot"]
