package live

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"
)

var (
	relayLeader = promauto.NewGauge(prometheus.GaugeOpts{
		Name: "atiende_live_relay_leader", Help: "1 when this instance numbers and publishes events.",
	})
	relayPublished = promauto.NewCounter(prometheus.CounterOpts{
		Name: "atiende_live_relay_published_total", Help: "Events published on Redis by this instance's relay.",
	})
	busReceived = promauto.NewCounter(prometheus.CounterOpts{
		Name: "atiende_live_bus_events_total", Help: "Events handed to this instance's hub.",
	})
	busBackfilled = promauto.NewCounter(prometheus.CounterOpts{
		Name: "atiende_live_bus_backfilled_total", Help: "Events read from PostgreSQL to fill a gap in the Redis stream.",
	})
	hubConnections = promauto.NewGauge(prometheus.GaugeOpts{
		Name: "atiende_live_connections", Help: "Open live WebSocket connections on this instance.",
	})
	hubOverflows = promauto.NewCounter(prometheus.CounterOpts{
		Name: "atiende_live_overflows_total", Help: "Connections closed because they could not keep up.",
	})
)
