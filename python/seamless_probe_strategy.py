# -------------------------------------------------------------------------------------------------
# seamless_probe_strategy.py — a fixed-script strategy that probes the RiskEngine trading state.
#
# Used by python/mode_probe_node.py for the halt proof. Every `act_every_bars` bars (at bar
# number `act_at_bar` of each group) it does the SAME four things, whatever the trading state:
#   1. cancel its resting orders          (passes in every state)
#   2. submit a BUY LIMIT far below market (rests when accepted; exposure-increasing)
#   3. submit a BUY MARKET of trade_size   (exposure-increasing while long or flat)
#   4. submit a SELL MARKET of trade_size/2 (reducing while long)
# It never reads or sets the trading state: which of these the RiskEngine denies shows only
# what state the node is in at that moment (ACTIVE: none; REDUCING while long: 2 and 3;
# HALTED: 2, 3 and 4).
# -------------------------------------------------------------------------------------------------

from __future__ import annotations

from decimal import Decimal

from nautilus_trader.config import PositiveInt
from nautilus_trader.config import StrategyConfig
from nautilus_trader.model.data import Bar
from nautilus_trader.model.data import BarType
from nautilus_trader.model.enums import OrderSide
from nautilus_trader.model.enums import TimeInForce
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.trading.strategy import Strategy


class ModeProbeConfig(StrategyConfig, frozen=True):
    instrument_id: InstrumentId
    bar_type: BarType
    trade_size: Decimal
    act_every_bars: PositiveInt = 10
    act_at_bar: int = 5


class ModeProbeStrategy(Strategy):
    def __init__(self, config: ModeProbeConfig) -> None:
        super().__init__(config)
        self._probe: ModeProbeConfig = config
        self._bars = 0

    def on_start(self) -> None:
        self.subscribe_bars(self._probe.bar_type)

    def on_bar(self, bar: Bar) -> None:
        self._bars += 1
        if self._bars % self._probe.act_every_bars == self._probe.act_at_bar:
            self._act(bar)

    def _act(self, bar: Bar) -> None:
        instrument = self.cache.instrument(self._probe.instrument_id)
        for order in self.cache.orders_open(strategy_id=self.id):
            self.cancel_order(order)
        far_below = instrument.make_price(float(bar.close) * 0.9)
        size = instrument.make_qty(self._probe.trade_size)
        half = instrument.make_qty(self._probe.trade_size / 2)
        self.submit_order(
            self.order_factory.limit(
                instrument_id=instrument.id,
                order_side=OrderSide.BUY,
                quantity=size,
                price=far_below,
                time_in_force=TimeInForce.GTC,
            ),
        )
        self.submit_order(self.order_factory.market(instrument.id, OrderSide.BUY, size))
        self.submit_order(self.order_factory.market(instrument.id, OrderSide.SELL, half))

    def on_stop(self) -> None:
        # Leave orders and positions as they are: the test reads the final state from the report.
        pass
