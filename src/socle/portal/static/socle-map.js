/* The dataset's map: the base layer (communes served by Socle), the optional tile server the
   administrator configured, the features clustered, a popup with each feature's record.
   Markers are focusable: Tab reaches them, Enter opens their popup. */
"use strict";
(function () {
  var element = document.getElementById("carte");
  if (!element || !window.L) return;
  var L = window.L;
  var data = element.dataset;
  // Without tiles nothing sets a zoom range, which clustering needs.
  var map = L.map(element, { zoomSnap: 0.5, minZoom: 3, maxZoom: 19 }).setView([46.6, 2.5], 6);
  map.attributionControl.setPrefix(false);
  if (data.tiles) {
    L.tileLayer(data.tiles, { attribution: data.tilesAttribution, maxZoom: 19 }).addTo(map);
  }

  function json(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error(url + " : " + response.status);
      return response.json();
    });
  }

  function popup(properties) {
    var box = document.createElement("div");
    box.className = "socle-popup";
    var table = document.createElement("table");
    Object.keys(properties || {}).forEach(function (name) {
      var value = properties[name];
      var row = table.insertRow();
      var th = document.createElement("th");
      th.scope = "row";
      th.textContent = name;
      row.appendChild(th);
      var text = value === null || value === "" ? data.empty
        : typeof value === "object" ? JSON.stringify(value) : String(value);
      row.insertCell().textContent = text;
    });
    box.appendChild(table);
    return box;
  }

  function title(properties) {
    var names = Object.keys(properties || {});
    var named = names.find(function (n) { return typeof properties[n] === "string" && properties[n]; });
    return named ? properties[named] : "";
  }

  var base = data.base
    ? json(data.base).then(function (communes) {
        return L.geoJSON(communes, {
          interactive: false,
          attribution: data.baseAttribution,
          style: { color: "#929292", weight: 1, fillColor: "#f6f6f6", fillOpacity: data.tiles ? 0 : 1 },
        }).addTo(map);
      }).catch(function () { return null; })
    : Promise.resolve(null);

  base.then(function (baseLayer) {
    return json(data.features).then(function (collection) {
      var clusters = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false });
      var shapes = L.featureGroup();
      L.geoJSON(collection, {
        filter: function (feature) { return Boolean(feature.geometry); },
        pointToLayer: function (feature, latlng) {
          return L.marker(latlng, {
            title: title(feature.properties),
            alt: title(feature.properties),
            icon: L.divIcon({ className: "socle-marker", iconSize: [16, 16] }),
          });
        },
        style: { color: "#000091", weight: 2, fillOpacity: 0.2 },
        onEachFeature: function (feature, layer) {
          layer.bindPopup(function () { return popup(feature.properties); });
          (layer instanceof L.Marker ? clusters : shapes).addLayer(layer);
        },
      });
      shapes.addTo(map);
      clusters.addTo(map);
      var bounds = L.latLngBounds([]);
      [clusters, shapes].forEach(function (group) {
        if (group.getLayers().length) bounds.extend(group.getBounds());
      });
      if (!bounds.isValid() && baseLayer) bounds = baseLayer.getBounds();
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 16 });
      element.dataset.features_shown = String(clusters.getLayers().length + shapes.getLayers().length);
    });
  }).catch(function (error) {
    element.dataset.error = String(error);
  });
})();
