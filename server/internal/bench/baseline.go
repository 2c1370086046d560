package bench

import (
	"bufio"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fasthttp/websocket"
	fws "github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"
	"github.com/redis/go-redis/v9"
)

// ---------------------------------------------------------------- handshake-only server

// handshakeOnly answers the WebSocket handshake and then only keeps the socket: no goroutine, no
// buffer, no per-connection state beyond the net.Conn. Clients connected to it weigh what the client
// end of a connection weighs.
type handshakeOnly struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
	wg    sync.WaitGroup
}

func startHandshakeOnly() (*handshakeOnly, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("bench: listen: %w", err)
	}
	s := &handshakeOnly{ln: ln}
	s.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Go(func() { s.handshake(c) })
		}
	})
	return s, nil
}

func (s *handshakeOnly) addr() string { return s.ln.Addr().String() }

func (s *handshakeOnly) handshake(c net.Conn) {
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	req, err := http.ReadRequest(bufio.NewReaderSize(c, 1024))
	if err != nil {
		_ = c.Close()
		return
	}
	sum := sha1.Sum([]byte(req.Header.Get("Sec-WebSocket-Key") + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	resp := "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " +
		base64.StdEncoding.EncodeToString(sum[:]) + "\r\n\r\n"
	if _, err := c.Write([]byte(resp)); err != nil {
		_ = c.Close()
		return
	}
	_ = c.SetDeadline(time.Time{})
	s.mu.Lock()
	s.conns = append(s.conns, c)
	s.mu.Unlock()
}

func (s *handshakeOnly) dropAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		_ = c.Close()
	}
	s.conns = nil
}

func (s *handshakeOnly) close() {
	_ = s.ln.Close()
	s.wg.Wait()
	s.dropAll()
}

// ---------------------------------------------------------------- bare fan-out baseline

// bareServer is the least a Redis-to-WebSocket fan-out can be with the same libraries (fiber and
// gofiber/contrib/websocket): one subscription, every message to every connection through a bounded
// queue per connection drained by its own writer goroutine — no database, no sequence, no visibility.
type bareServer struct {
	app     *fiber.App
	ln      net.Listener
	rdb     *redis.Client
	ps      *redis.PubSub
	mu      sync.RWMutex
	conns   map[*bareConn]struct{}
	dropped atomic.Int64
	fanned  chan struct{}
}

type bareConn struct{ send chan []byte }

func startBare(ctx context.Context, opts *redis.Options, channel string) (*bareServer, error) {
	s := &bareServer{conns: map[*bareConn]struct{}{}, rdb: redis.NewClient(opts), fanned: make(chan struct{})}
	s.ps = s.rdb.Subscribe(ctx, channel)
	if _, err := s.ps.Receive(ctx); err != nil {
		_ = s.ps.Close()
		_ = s.rdb.Close()
		return nil, fmt.Errorf("bench: baseline subscribe: %w", err)
	}
	s.app = fiber.New(fiber.Config{DisableStartupMessage: true})
	s.app.Get("/ws", fws.New(s.serve, fws.Config{ReadBufferSize: 1024, WriteBufferSize: 1024, WriteBufferPool: &sync.Pool{}}))
	var err error
	if s.ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		_ = s.ps.Close()
		_ = s.rdb.Close()
		return nil, fmt.Errorf("bench: listen: %w", err)
	}
	go func() { _ = s.app.Listener(s.ln) }()
	go s.fanOut()
	return s, nil
}

func (s *bareServer) serve(c *fws.Conn) {
	bc := &bareConn{send: make(chan []byte, 64)}
	s.mu.Lock()
	s.conns[bc] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, bc)
		s.mu.Unlock()
	}()
	gone := make(chan struct{})
	go func() {
		defer close(gone)
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				return
			}
		}
	}()
	for {
		select {
		case m := <-bc.send:
			_ = c.SetWriteDeadline(time.Now().Add(10 * time.Second))
			if err := c.WriteMessage(websocket.TextMessage, m); err != nil {
				return
			}
		case <-gone:
			return
		}
	}
}

func (s *bareServer) fanOut() {
	defer close(s.fanned)
	for msg := range s.ps.Channel(redis.WithChannelSize(4096)) {
		p := []byte(msg.Payload)
		s.mu.RLock()
		for c := range s.conns {
			select {
			case c.send <- p:
			default:
				s.dropped.Add(1)
			}
		}
		s.mu.RUnlock()
	}
}

func (s *bareServer) count() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.conns)
}

func (s *bareServer) close(ctx context.Context) {
	_ = s.ps.Close()
	<-s.fanned
	_ = s.app.ShutdownWithContext(ctx)
	_ = s.rdb.Close()
}

type baselineResult struct {
	published int
	p50, p99  time.Duration
	lost      int
	dropped   int64
}

// runBaseline connects n clients to two bare servers (half each, like the two instances), publishes
// `rate` messages a second for dur with the publish time in the payload, padded to frameLen bytes, and
// measures receipt − publish.
func runBaseline(ctx context.Context, redisURL, channel string, n int, rate float64, dur time.Duration, frameLen int,
	clock func() time.Duration) (baselineResult, error) {
	var res baselineResult
	opts, err := redis.ParseURL(redisURL)
	if err != nil {
		return res, err
	}
	var servers []*bareServer
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		for _, s := range servers {
			s.close(cctx)
		}
	}()
	for range 2 {
		s, err := startBare(ctx, opts, channel)
		if err != nil {
			return res, err
		}
		servers = append(servers, s)
	}
	cs, err := dialAll(ctx, n, func(i int) string { return "ws://" + servers[i%2].ln.Addr().String() + "/ws" }, nil, clock, false)
	if err != nil {
		return res, err
	}
	defer func() { closeAll(cs) }()
	deadline := time.Now().Add(10 * time.Second)
	for servers[0].count()+servers[1].count() < n {
		if time.Now().After(deadline) {
			return res, errors.New("bench: baseline clients did not all register")
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(idleSettle)

	pub := redis.NewClient(opts)
	defer pub.Close()
	head := `{"type":"event","seq":0000000,"prev":0000000,"sent":0000000000000000,"pad":""}`
	pad := strings.Repeat("x", max(frameLen-len(head), 0))
	res.published = int(rate * dur.Seconds())
	reserve(cs, res.published+64)
	interval := time.Duration(float64(time.Second) / rate)
	start := time.Now()
	for i := range res.published {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if d := time.Until(start.Add(time.Duration(i) * interval)); d > 0 {
			time.Sleep(d)
		}
		msg := fmt.Sprintf(`{"type":"event","seq":%d,"prev":%d,"sent":%d,"pad":"%s"}`, i+1, i, int64(clock()), pad)
		if err := pub.Publish(ctx, channel, msg).Err(); err != nil {
			return res, fmt.Errorf("bench: baseline publish: %w", err)
		}
	}
	deadline = time.Now().Add(stragglerWait)
	for time.Now().Before(deadline) && !allReached(cs, int64(res.published)) {
		time.Sleep(20 * time.Millisecond)
	}
	closeAll(cs)
	var lats []time.Duration
	for _, c := range cs {
		seen := make([]bool, res.published+1)
		got := 0
		for _, r := range c.recs {
			if r.seq < 1 || r.seq > int64(res.published) || seen[r.seq] {
				continue
			}
			seen[r.seq] = true
			got++
			lats = append(lats, r.at-r.sent)
		}
		res.lost += res.published - got
	}
	for _, s := range servers {
		res.dropped += s.dropped.Load()
	}
	res.p50, res.p99 = summary(lats)
	return res, nil
}
